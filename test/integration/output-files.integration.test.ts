// Outputs of a real walk: an --json path that cannot be written is refused before gdb is even
// started (the target never gets a tracer), a planted symlink is replaced by the snapshot, and a
// reader that goes away during `--json -` ends the run quietly with the target running.
import { execa } from 'execa';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { kamheapBin, kamheapWithClosedPipe } from '../helpers/kamheap-cli.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

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

beforeEach(() => {
  rmSync(gdbLog, { force: true });
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

describe('watch --out DIR', () => {
  it('refuses a symbolic link planted at samples.ndjson inside it, leaving what it points to untouched', async () => {
    const out = mkdtempSync(join(dir, 'watch-'));
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'keep me\n');
    symlinkSync(outside, join(out, 'samples.ndjson'));
    const result = await runCli(['watch', String(kamailio.pid), '--heap', 'pkg', '--interval', '1', '--samples', '2', '--out', out]);
    expect(result.exitCode).toBe(ExitCode.badInput);
    // After the first sample's progress line, the one error line.
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^kamheap: cannot write ${join(out, 'samples.ndjson')}: .*\\(ELOOP\\)$`));
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
  });
});

describe('walk and TMPDIR', () => {
  it('the script walker, which writes its script there, says so in one line before gdb starts', async () => {
    const r = await execa(process.execPath, [kamheapBin, 'walk', String(kamailio.pid), '--heap', 'shm', '--walker', 'script', '--gdb', recordingGdb], {
      reject: false,
      env: { TMPDIR: '/nonexistent/tmp' },
    });
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(String(r.stderr)).toBe(
      'kamheap: cannot create a temporary file in TMPDIR (/nonexistent/tmp): no such file or directory (ENOENT); set TMPDIR to a writable directory',
    );
    expect(existsSync(gdbLog)).toBe(false);
  });

  it('the script walker works under a usable one: its output, through the bounded parser, is what the bulk walker reads', async () => {
    const walked = async (walker: string): Promise<AnySnapshot> => {
      const target = join(dir, `${walker}.json`);
      const r = await runCli(['walk', String(kamailio.pid), '--heap', 'shm', '--walker', walker, '--json', target]);
      expect(r.exitCode).toBe(ExitCode.ok);
      return JSON.parse(readFileSync(target, 'utf8')) as AnySnapshot;
    };
    const script = await walked('script');
    const bulk = await walked('bulk');
    expect(script.walk).toMatchObject({ walker: 'script', complete: true, fragmentsWalked: bulk.walk.fragmentsWalked });
    expect(script.sites).toEqual(bulk.sites);
  });

  it('the bulk walker needs none', async () => {
    const r = await execa(process.execPath, [kamheapBin, 'walk', String(kamailio.pid), '--heap', 'shm', '--top', '1'], { reject: false, env: { TMPDIR: '/nonexistent/tmp' } });
    expect(r.exitCode).toBe(ExitCode.ok);
  });
});

describe('walk --json - into a pipe closed early', () => {
  it('ends quietly with exit 0 and leaves the target running', async () => {
    const r = await kamheapWithClosedPipe(['walk', String(kamailio.pid), '--heap', 'shm', '--json', '-', '--fragments'], 'stdout', 'after-first-bytes');
    expect(r.readBeforeClose).toBeGreaterThan(0);
    expect(r).toMatchObject({ exitCode: ExitCode.ok, signal: null, other: '' });
  });
});
