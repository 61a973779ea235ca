// `walk --all` with one gdb for the whole instance: kamheap starts gdb once (counted by a --gdb
// wrapper, the only way kamheap starts gdb), which attaches and detaches every process in turn
// (gdb's own ptrace calls, traced), leaving each running and untraced; and a SIGTERM in the middle
// of the run, inside one process's attach, detaches that process and ends gdb, leaving the whole
// instance running, with no signal passed to any of its processes.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { childrenNamed, isRunning, runCli, startCli, waitUntil } from '../helpers/run-cli.js';
import { exists, expectInstanceHealthy, expectInstanceUntraced, expectNoSignalLoggedSince, tracerPid } from '../helpers/target-health.js';

let kamailio: KamailioInstance;
let dir: string;
let logStart = 0;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 4 });
  dir = mkdtempSync(join(tmpdir(), 'kamheap-all-session-'));
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
  await expectInstanceUntraced(kamailio);
  logStart = expectNoSignalLoggedSince(kamailio, logStart);
});

afterAll(async () => {
  await stopAllKamailio();
  rmSync(dir, { recursive: true, force: true });
});

it('starts one gdb, which attaches and detaches every process of the instance once (shm is read live, no attach; --stop: the main one twice)', async () => {
  // Each start of the wrapper is one gdb; each gdb's ptrace calls (not its probe children's) go to a trace of its own.
  const wrapper = join(dir, 'gdb-counted');
  writeFileSync(wrapper, `#!/bin/sh\necho $$ >> ${dir}/gdb-starts\nexec strace -o ${dir}/gdb-$$.trace -e trace=ptrace /usr/bin/gdb "$@"\n`);
  chmodSync(wrapper, 0o755);
  const result = await runCli(['walk', String(kamailio.pid), '--all', '--json', '-', '--gdb', wrapper]);
  expect(result.exitCode).toBe(ExitCode.ok);
  expect(readFileSync(join(dir, 'gdb-starts'), 'utf8').trim().split('\n')).toHaveLength(1);
  const psx = await kamailio.processes();
  const snapshot = JSON.parse(result.stdout) as Snapshot;
  expect(snapshot.processes?.map((p) => p.pid)).toEqual(psx.map((p) => p.pid));
  for (const p of snapshot.processes ?? []) {
    expect({ pid: p.pid, complete: p.walk?.complete, error: p.error }).toEqual({ pid: p.pid, complete: true, error: undefined });
    expect(p.walk?.attachMs).toBeGreaterThanOrEqual(0);
    expect(p.walk?.detachMs).toBeGreaterThanOrEqual(0);
  }
  const trace = readdirSync(dir)
    .filter((f) => f.endsWith('.trace'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const calls = (request: string): number[] => [...trace.matchAll(new RegExp(`ptrace\\(PTRACE_${request}, (\\d+)`, 'g'))].map((m) => Number(m[1]));
  const expected = psx.map((p) => p.pid).sort((a, b) => a - b);
  expect(snapshot.walk.consistency?.mode).toBe('live');
  // In the order walked, each attach followed by its detach before the next attach.
  expect(calls('ATTACH').sort((a, b) => a - b)).toEqual(expected);
  expect(calls('DETACH').sort((a, b) => a - b)).toEqual(expected);
  const sequence = [...trace.matchAll(/ptrace\(PTRACE_(ATTACH|DETACH), (\d+)/g)].map((m) => `${m[1]} ${m[2]}`);
  for (let i = 0; i < sequence.length; i += 2) expect([sequence[i]?.split(' ')[0], sequence[i + 1]]).toEqual(['ATTACH', `DETACH ${sequence[i]?.split(' ')[1]}`]);
  for (const pid of expected) expect({ pid, running: isRunning(pid), tracer: tracerPid(pid) }).toEqual({ pid, running: true, tracer: 0 });
});

it('--all --stop attaches the main process for shm too, in the same gdb', async () => {
  const wrapper = join(dir, 'gdb-counted-stop');
  writeFileSync(wrapper, `#!/bin/sh
echo $$ >> ${dir}/gdb-starts-stop
exec strace -o ${dir}/stop-$$.strace -e trace=ptrace /usr/bin/gdb "$@"
`);
  chmodSync(wrapper, 0o755);
  const result = await runCli(['walk', String(kamailio.pid), '--all', '--stop', '--json', '-', '--gdb', wrapper]);
  expect(result.exitCode).toBe(ExitCode.ok);
  expect(readFileSync(join(dir, 'gdb-starts-stop'), 'utf8').trim().split('\n')).toHaveLength(1);
  const snapshot = JSON.parse(result.stdout) as Snapshot;
  expect(snapshot.walk.consistency?.mode).toBe('stopped');
  const trace = readdirSync(dir)
    .filter((f) => f.endsWith('.strace'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const attached = [...trace.matchAll(/ptrace\(PTRACE_ATTACH, (\d+)/g)].map((m) => Number(m[1]));
  const psx = await kamailio.processes();
  expect(attached.sort((a, b) => a - b)).toEqual([kamailio.pid, ...psx.map((p) => p.pid)].sort((a, b) => a - b));
});

it.each([2, 5])('SIGTERM inside the attach of process %i of the table: that process detached, gdb ended, every process running', async (index) => {
  const psx = await kamailio.processes();
  const victim = psx[index];
  if (!victim) throw new Error(`no process ${index}`);
  const cli = startCli(['walk', String(kamailio.pid), '--all']);
  let gdb = 0;
  await waitUntil(async () => ((gdb = (await childrenNamed(cli.pid ?? 0, 'gdb'))[0] ?? 0) > 0), 10_000, 'gdb to start');
  spinUntilTraced(victim.pid, 20_000);
  cli.kill('SIGTERM');
  const sent = performance.now();
  const result = await cli;
  expect(performance.now() - sent).toBeLessThan(1500);
  expect(result.exitCode).toBe(ExitCode.interrupted);
  expect(String(result.stderr).trim()).toBe('kamheap: interrupted by SIGTERM; target detached and running');
  await waitUntil(() => !exists(gdb), 2000, 'gdb to end');
  for (const p of psx) expect({ pid: p.pid, running: isRunning(p.pid), tracer: tracerPid(p.pid) }).toEqual({ pid: p.pid, running: true, tracer: 0 });
});

/** Busy-waits (no event loop turn) until the process has a tracer: its attach has begun. */
function spinUntilTraced(pid: number, timeoutMs: number): void {
  const end = Date.now() + timeoutMs;
  while (tracerPid(pid) === 0) {
    if (Date.now() > end) throw new Error(`PID ${pid} was never traced`);
  }
}

