// The CLI on bad input and on every way out of a walk: one line on stderr, a distinct exit code,
// and the target always detached, running and answering RPC.
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fillShm, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import { childrenNamed, isRunning, runCli, startCli, waitUntil } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let timerPid: number;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  // Enough fragments that the script walker runs for seconds: time to interrupt it.
  await fillShm(kamailio, { cells: 40_000 });
  const timer = (await kamailio.processes()).find((p) => p.description === 'timer');
  if (!timer) throw new Error('no timer process');
  timerPid = timer.pid;
});

afterEach(async () => {
  // Whatever a test did, the target must be running and answering.
  await expectInstanceHealthy(kamailio);
  // ...and no gdb of kamheap's is left behind (an orphaned one would have been reparented to init).
  const { stdout } = await execa('pgrep', ['-P', '1', '-f', '--', '-nx -q --interpreter=mi3'], { reject: false });
  expect(String(stdout).trim()).toBe('');
});

afterAll(async () => {
  await stopAllKamailio();
});

describe('bad input', () => {
  it.each([
    [['walk', 'abc'], ExitCode.usage, /invalid PID/],
    [['walk', '1', '--heap', 'stack'], ExitCode.usage, /--heap must be pkg or shm/],
    [['walk', '1', '--from', '10', '--to', '5'], ExitCode.usage, /below --from/],
    [['walk', '3999999'], ExitCode.noSuchProcess, /no process with PID 3999999/],
    [['walk', '1', '--heap', 'shm', '--heap-symbol', 'mem_block'], ExitCode.usage, /--heap-symbol for the shm heap must be one of _shm_root, shm_block, /],
    [['script', '1', '--heap-symbol', 'mem_block;shell'], ExitCode.usage, /--heap-symbol for the pkg heap must be one of/],
    [['parse', '/nonexistent/walk.out'], ExitCode.badInput, /cannot read/],
  ])('%j exits %i', async (args, code, message) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('refuses a process that is not Kamailio without stopping it', async () => {
    const sleeper = execa('sleep', ['60']);
    try {
      const result = await runCli(['walk', String(sleeper.pid), '--heap', 'shm']);
      expect(result.exitCode).toBe(ExitCode.notKamailio);
      expect(result.stderr).toMatch(/is not a Kamailio process/);
      expect(isRunning(sleeper.pid ?? 0)).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
      await sleeper.catch(() => undefined);
    }
  });

  it('names a --heap-symbol the stripped executable lacks, without stopping the target', async () => {
    const result = await runCli(['walk', String(kamailio.pid), '--heap', 'shm', '--heap-symbol', '_qm_shm_block']);
    expect(result.exitCode).toBe(ExitCode.heapNotFound);
    expect(result.stderr.trim()).toBe(`kamheap: the executable of PID ${kamailio.pid} has no _qm_shm_block (q_malloc's own block pointer (5.x builds with debug info))`);
  });

  it('reports a missing gdb', async () => {
    const result = await runCli(['walk', String(timerPid), '--gdb', '/nonexistent/gdb']);
    expect(result.exitCode).toBe(ExitCode.gdbMissing);
    expect(result.stderr).toMatch(/gdb not found/);
  });

  it('reports missing permission for an unprivileged user', async () => {
    const result = await runCli(['walk', String(timerPid)], { uid: 65534 });
    expect(result.exitCode).toBe(ExitCode.permission);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not allowed|cannot open/);
  });
});

describe('leaving the target running', () => {
  it('detaches on --timeout in the middle of a script walk', async () => {
    const result = await runCli(['walk', String(timerPid), '--heap', 'shm', '--walker', 'script', '--timeout', '1']);
    expect(result.exitCode).toBe(ExitCode.timeout);
    expect(result.stderr).toMatch(/timed out after 1 s; target detached and running/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('detaches on %s in the middle of a script walk', async (signal) => {
    const cli = startCli(['walk', String(timerPid), '--heap', 'shm', '--walker', 'script']);
    await waitUntil(async () => (await childrenNamed(cli.pid ?? 0, 'gdb')).length > 0, 10_000, 'gdb to start');
    await new Promise((r) => setTimeout(r, 1000));
    cli.kill(signal);
    const result = await cli;
    expect(result.exitCode).toBe(ExitCode.interrupted);
    expect(String(result.stderr)).toMatch(new RegExp(`interrupted by ${signal}; target detached and running`));
  });

  it('leaves the target running when gdb is killed mid-walk', async () => {
    const cli = startCli(['walk', String(timerPid), '--heap', 'shm', '--walker', 'script']);
    let gdbPid = 0;
    await waitUntil(async () => ((gdbPid = (await childrenNamed(cli.pid ?? 0, 'gdb'))[0] ?? 0) > 0), 10_000, 'gdb to start');
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(gdbPid, 'SIGKILL');
    const result = await cli;
    expect(result.exitCode).toBe(ExitCode.gdbFailed);
    expect(String(result.stderr)).toMatch(/gdb died/);
  });

  it('writes only the snapshot to stdout with --json -', async () => {
    const result = await runCli(['walk', String(timerPid), '--json', '-', '--top', '5']);
    expect(result.exitCode).toBe(ExitCode.ok);
    const snapshot = JSON.parse(result.stdout) as { schema: string; heap: { kind: string }; target: { pid: number } };
    expect(snapshot.schema).toBe('kamheap.snapshot/1');
    expect(snapshot.heap.kind).toBe('pkg');
    expect(snapshot.target.pid).toBe(timerPid);
  });
});
