import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installedBuild } from '../../testbed/kamailio-build.js';
import { KAMCMD } from '../../testbed/kamcmd.js';

const dirs: string[] = [];

// A fake install prefix holding the given files (empty, executable).
function prefixWith(...files: string[]): string {
  const prefix = mkdtempSync(join(tmpdir(), 'kamheap-build-test-'));
  dirs.push(prefix);
  for (const file of files) {
    mkdirSync(join(prefix, file, '..'), { recursive: true });
    writeFileSync(join(prefix, file), '');
    chmodSync(join(prefix, file), 0o755);
  }
  return prefix;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('installedBuild', () => {
  it("finds Debian's lib/ module dir and the build's own kamcmd", () => {
    const prefix = prefixWith('sbin/kamailio', 'sbin/kamcmd', 'lib/kamailio/modules/tm.so');
    expect(installedBuild(prefix)).toEqual({
      binary: join(prefix, 'sbin/kamailio'),
      moduleDir: join(prefix, 'lib/kamailio/modules'),
      kamcmd: join(prefix, 'sbin/kamcmd'),
    });
  });

  it("takes upstream's lib64/ and falls back to Debian's kamcmd", () => {
    const prefix = prefixWith('sbin/kamailio', 'lib64/kamailio/modules/tm.so');
    expect(installedBuild(prefix)).toMatchObject({ moduleDir: join(prefix, 'lib64/kamailio/modules'), kamcmd: KAMCMD });
  });

  it('rejects an incomplete install', () => {
    expect(() => installedBuild(prefixWith('sbin/kamailio'))).toThrow(/no complete Kamailio install/);
    expect(() => installedBuild(prefixWith('lib/kamailio/modules/tm.so'))).toThrow(/no complete Kamailio install/);
  });
});
