// Outputs of a real walk: an --json path that cannot be written is refused before gdb is even
// started (the target never gets a tracer), a planted symlink is replaced by the snapshot, and a
// reader that goes away during `--json -` ends the run quietly with the target running.
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { kamheapWithClosedPipe } from '../helpers/kamheap-cli.js';
import { runCli } from './run-cli.js';
import { expectInstanceHealthy } from './target-health.js';

let kamailio: KamailioInstance;
let dir: string;
let gdbLog: string;
let recordingGdb: string;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  dir = mkdtempSync(join(tmpdir(), 'kamheap-outputs-'));
  // A gdb that notes every start in a file, then is the real gdb.
  gdbLog = join(dir, 'gdb-starts');
  recordingGdb = join(dir, 'gdb');
  writeFileSync(recordingGdb, `#!/bin/sh\necho started >> '${gdbLog}'\nexec gdb "$@"\n`);
  chmodSync(recordingGdb, 0o755);
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
});

/** The tracer of `pid` per /proc (0: none). */
function tracerPid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('TracerPid:'));
  return Number(line?.split(/\s+/)[1] ?? -1);
}

describe('walk --json FILE', () => {
  it.each<[string, string[]]>([
    ['walk', ['--heap', 'shm']],
    ['walk --all', ['--all']],
  ])('%s: an unwritable path fails with exit 11 before gdb is started', async (_what, extra) => {
    const r = await runCli(['walk', String(kamailio.pid), ...extra, '--json', '/sys/kamheap-test.json', '--gdb', recordingGdb]);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr.trim()).toBe('kamheap: cannot write /sys/kamheap-test.json: permission denied (EACCES)');
    expect(existsSync(gdbLog)).toBe(false);
    expect(tracerPid(kamailio.pid)).toBe(0);
  });

  it('replaces a planted symlink with the snapshot; the file it pointed to is untouched', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'kamheap-outside-')), 'passwd');
    writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
    const target = join(dir, 'shm.json');
    symlinkSync(outside, target);
    const r = await runCli(['walk', String(kamailio.pid), '--heap', 'shm', '--json', target, '--gdb', recordingGdb]);
    expect(r.exitCode).toBe(ExitCode.ok);
    expect(existsSync(gdbLog)).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n');
    expect(lstatSync(target).isFile()).toBe(true);
    expect((JSON.parse(readFileSync(target, 'utf8')) as AnySnapshot).target.pid).toBe(kamailio.pid);
  });
});

describe('walk --json - into a pipe closed early', () => {
  it('ends quietly with exit 0 and leaves the target running', async () => {
    const r = await kamheapWithClosedPipe(['walk', String(kamailio.pid), '--heap', 'shm', '--json', '-', '--fragments'], 'stdout', 'after-first-bytes');
    expect(r.readBeforeClose).toBeGreaterThan(0);
    expect(r).toMatchObject({ exitCode: ExitCode.ok, signal: null, other: '' });
  });
});
