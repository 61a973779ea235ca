import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_NAMES, installedBuild, parseVersion, pathInRoot } from '../../testbed/kamailio-build.js';
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

describe('parseVersion', () => {
  it.each([
    ['version: kamailio 5.6.3 (x86_64/linux) \nflags: USE_TCP', '5.6.3'],
    ['version: kamailio 6.0.1 (x86_64/linux) fce50d\nflags: USE_TCP, MEM_JOIN_FREE', '6.0.1'],
  ])('reads the release of `kamailio -v`', (stdout, version) => {
    expect(parseVersion(stdout)).toBe(version);
  });

  it('refuses output without a version line', () => {
    expect(() => parseVersion('kamailio: command not found')).toThrow(/no "version: kamailio X.Y.Z" line/);
  });
});

describe('pathInRoot', () => {
  it('gives the path a chrooted process sees', () => {
    expect(pathInRoot('/c/debian-13-root', '/c/debian-13-root/tmp/kamheap-testbed-x/ctl.sock')).toBe('/tmp/kamheap-testbed-x/ctl.sock');
    expect(pathInRoot('/c/debian-13-root/', '/c/debian-13-root/usr/sbin/kamailio')).toBe('/usr/sbin/kamailio');
  });

  it('refuses a path outside the root, a sibling with the same prefix too', () => {
    expect(() => pathInRoot('/c/debian-13-root', '/c/debian-13-root-old/usr/sbin/kamailio')).toThrow(/not inside the root/);
    expect(() => pathInRoot('/c/debian-13-root', '/tmp/x')).toThrow(/not inside the root/);
  });
});

describe('BUILD_NAMES', () => {
  it("keeps 5.6.3's names and adds 6.0.1's", () => {
    expect(BUILD_NAMES).toEqual(['debian', 'dwarf', 'nodebug', 'debian13', '6.0.1-dwarf', '6.0.1-nodebug', '6.0.1-split']);
  });
});
