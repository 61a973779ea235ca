// Issue 8's lifecycle findings, each reproduced on a real Kamailio: an abort inside the attach
// window (gdb must not pass a SIGINT to the target), a frozen gdb, kamheap itself killed in the
// middle of a script walk, a signal after the detach, a target already traced, a target killed
// during the walk. After each: the instance is healthy and no signal reached it. The time bounds
// here are loose (a loaded CI box); `npm run faults` measures the one-second promise itself.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fillShm, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import { childrenNamed, isRunning, kamheapBin, runCli, startCli, waitUntil } from '../helpers/run-cli.js';
import { exists, expectInstanceHealthy, expectNoSignalLoggedSince, tracerPid } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let timerPid: number;
let logStart = 0;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  // Enough fragments that a script walk of shm runs for a few seconds.
  await fillShm(kamailio, { cells: 30_000 });
  const timer = (await kamailio.processes()).find((p) => p.description === 'timer');
  if (!timer) throw new Error('no timer process');
  timerPid = timer.pid;
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
  logStart = expectNoSignalLoggedSince(kamailio, logStart);
});

afterAll(async () => {
  await stopAllKamailio();
});

describe('an abort in the attach window', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s right when the target turns traced: detached cleanly, no signal passed to Kamailio', async (signal) => {
    for (let trial = 0; trial < 4; trial++) {
      const cli = startCli(['walk', String(timerPid), '--heap', 'pkg']);
      spinUntilTraced(timerPid, 10_000);
      cli.kill(signal);
      const sent = performance.now();
      const result = await cli;
      expect(performance.now() - sent).toBeLessThan(1500);
      expect(result.exitCode).toBe(ExitCode.interrupted);
      expect(String(result.stderr).trim()).toBe(`kamheap: interrupted by ${signal}; target detached and running`);
      await waitUntil(() => isRunning(timerPid), 1000, 'the target to run');
    }
  });

  it('with gdb frozen in the middle of its attach: gdb is killed, the target resumed, within a second', async () => {
    const cli = startCli(['walk', String(timerPid), '--heap', 'pkg']);
    const gdb = await gdbOf(cli.pid ?? 0);
    spinUntilTraced(timerPid, 10_000);
    process.kill(gdb, 'SIGSTOP');
    cli.kill('SIGINT');
    const sent = performance.now();
    const result = await cli;
    expect(performance.now() - sent).toBeLessThan(2000);
    expect(result.exitCode).toBe(ExitCode.interrupted);
    await waitUntil(() => isRunning(timerPid), 1000, 'the target to run');
  });

  it('--timeout that expires in the attach window is honoured within a second', async () => {
    for (const seconds of [0.15, 0.25, 0.35]) {
      const started = performance.now();
      const result = await runCli(['walk', String(timerPid), '--heap', 'shm', '--stop', '--timeout', String(seconds)]);
      expect(performance.now() - started).toBeLessThan(seconds * 1000 + 1500);
      expect([ExitCode.timeout, ExitCode.ok]).toContain(result.exitCode);
    }
  });
});

describe('gdb misbehaving during a script walk', () => {
  it('a stopped gdb: --timeout is honoured within a second, gdb killed, target running', async () => {
    const cli = startCli(['walk', String(timerPid), '--heap', 'shm', '--walker', 'script', '--timeout', '3']);
    const started = performance.now();
    const gdb = await gdbOf(cli.pid ?? 0);
    await waitUntil(() => tracerPid(timerPid) === gdb, 10_000, 'the attach');
    process.kill(gdb, 'SIGSTOP');
    const result = await cli;
    expect(performance.now() - started).toBeLessThan(4500);
    expect(result.exitCode).toBe(ExitCode.timeout);
    expect(String(result.stderr).trim()).toBe('kamheap: timed out after 3 s; target detached and running');
  });

  it('kamheap killed (SIGKILL): the target runs again within a second, no gdb or guard is left', async () => {
    const cli = startCli(['walk', String(timerPid), '--heap', 'shm', '--walker', 'script']);
    const gdb = await gdbOf(cli.pid ?? 0);
    await waitUntil(() => tracerPid(timerPid) === gdb, 10_000, 'the attach');
    const helpers = [gdb, ...(await childrenNamed(cli.pid ?? 0, 'sh'))];
    expect(helpers).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 300));
    cli.kill('SIGKILL');
    await cli;
    const killed = performance.now();
    await waitUntil(() => isRunning(timerPid) && tracerPid(timerPid) === 0, 1000, 'the target to run');
    expect(performance.now() - killed).toBeLessThan(1000);
    await waitUntil(() => helpers.every((pid) => !exists(pid)), 2000, 'gdb and the guard to end');
  });
});

describe('what comes after the detach', () => {
  it('a signal while the output is being written is honoured (exit 9), not ignored', async () => {
    // stdout is a pipe nobody reads yet (node's own spawn: execa would drain it), so kamheap blocks
    // writing a multi-MB snapshot, detached (--stop: a live shm walk would never attach).
    const cli = spawn(process.execPath, [kamheapBin, 'walk', String(timerPid), '--heap', 'shm', '--stop', '--json', '-', '--fragments'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cli.stdout.pause();
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
    await waitUntil(() => tracerPid(timerPid) !== 0, 10_000, 'the attach');
    await waitUntil(() => tracerPid(timerPid) === 0, 10_000, 'the detach');
    await new Promise((r) => setTimeout(r, 500));
    expect(cli.exitCode).toBe(null);
    cli.kill('SIGTERM');
    cli.stdout.resume();
    expect(await exited).toBe(ExitCode.interrupted);
  });
});

describe('a target held by another debugger', () => {
  it('is refused at once, naming that debugger', async () => {
    // A gdb reading commands from a pipe: it holds the process until its input ends, then detaches.
    const holder = execa('gdb', ['-nx', '-q', '-p', String(timerPid)], { reject: false, stdin: 'pipe' });
    try {
      await waitUntil(() => tracerPid(timerPid) !== 0, 10_000, 'the other gdb to attach');
      const started = performance.now();
      const result = await runCli(['walk', String(timerPid)]);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(result.exitCode).toBe(ExitCode.permission);
      expect(result.stderr.trim()).toMatch(new RegExp(`^kamheap: PID ${timerPid} is already traced by PID \\d+ \\(gdb\\)$`));
    } finally {
      holder.stdin?.end();
      await holder;
    }
    await waitUntil(() => isRunning(timerPid), 2000, 'the target to run');
  });
});

describe('a target killed during the walk', () => {
  it('is reported as exited (exit 15), never as a corrupt heap', async () => {
    // Its own instance: Kamailio shuts down when one of its processes dies.
    const victim = await startKamailio({ children: 1 });
    try {
      await fillShm(victim, { cells: 20_000 });
      const receiver = (await victim.processes()).find((p) => /^udp receiver/.test(p.description));
      if (!receiver) throw new Error('no receiver');
      const cli = startCli(['walk', String(receiver.pid), '--heap', 'shm', '--walker', 'script']);
      await waitUntil(() => tracerPid(receiver.pid) !== 0, 10_000, 'the attach');
      await new Promise((r) => setTimeout(r, 300));
      process.kill(receiver.pid, 'SIGKILL');
      const result = await cli;
      expect(result.exitCode).toBe(ExitCode.targetExited);
      expect(String(result.stderr).trim()).toBe(`kamheap: PID ${receiver.pid} exited during the walk`);
    } finally {
      await victim.stop();
    }
  });
});

/** Busy-waits (no event loop turn) until the process has a tracer: the attach has begun. */
function spinUntilTraced(pid: number, timeoutMs: number): void {
  const end = Date.now() + timeoutMs;
  while (tracerPid(pid) === 0) {
    if (Date.now() > end) throw new Error(`PID ${pid} was never traced`);
  }
}

/** The gdb kamheap (PID `cli`) started. */
async function gdbOf(cli: number): Promise<number> {
  let gdb = 0;
  await waitUntil(async () => ((gdb = (await childrenNamed(cli, 'gdb'))[0] ?? 0) > 0), 10_000, 'gdb to start');
  return gdb;
}


