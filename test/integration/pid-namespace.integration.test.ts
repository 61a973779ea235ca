// A Kamailio in a PID namespace of its own (unshare --pid --fork --mount-proc, as in a container):
// its process table holds the namespace's PIDs (the main process is 1). kamheap on the host maps
// them through NSpid: ps, walk --all, doctor and info show and use the host PIDs, the namespace's
// beside them, equal to what /proc/*/status NSpid says (read by the testbed's own oracle). A decoy
// host process carries the PID one of the instance's children has in the namespace: nothing
// reads it or attaches to it, nor to the host's PID 1. kamheap run inside the namespace (nsenter),
// where Kamailio is PID 1, refuses to start anything unless kamheap-init is above it, and below it
// survives a SIGKILL of its own without Kamailio adopting (and reaping) what it left.
import { execa, type ResultPromise } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostPidOf, namespacedPids, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { CheckResult } from '../../src/doctor/check.js';
import type { InstanceInfo } from '../../src/locate/instance-info.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { ExitCode } from '../../src/errors.js';
import { buildKamheapInit } from '../helpers/kamheap-init.js';
import { childrenNamed, isRunning, kamheapBin, runCli, waitUntil } from '../helpers/run-cli.js';

let kamailio: KamailioInstance;
let decoy: ChildProcess;
let decoyPid: number;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kamheap-pidns-'));
  decoy = spawn('sleep', ['600'], { stdio: 'ignore' });
  decoyPid = decoy.pid ?? 0;
  if (decoyPid < 2) throw new Error('the decoy did not start');
  // The instance's first child gets the decoy's PID inside the namespace.
  kamailio = await startKamailio({ children: 2, pidNamespace: { firstChildPid: decoyPid } });
});

afterEach(() => {
  expectNamespacedInstanceHealthy();
});

afterAll(async () => {
  await stopAllKamailio();
  decoy.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The host PID of the instance's main process (PID 1 in its namespace). */
const mainPid = (): number => hostPidOf(kamailio.pid, 1);

/** core.psx, with each namespace PID mapped to the host's by the testbed's NSpid oracle. */
async function expectedProcesses(): Promise<{ index: number; pid: number; nsPid: number; role: string }[]> {
  return (await kamailio.processes()).map((p) => ({ index: p.index, pid: hostPidOf(kamailio.pid, p.pid), nsPid: p.pid, role: p.description }));
}

/** Every process of the namespace runs untraced; the decoy and the host's PID 1 were never traced. */
function expectNamespacedInstanceHealthy(): void {
  for (const p of namespacedPids(kamailio.pid)) expect({ pid: p.hostPid, running: isRunning(p.hostPid), tracer: tracerPid(p.hostPid) }).toEqual({ pid: p.hostPid, running: true, tracer: 0 });
  expect({ decoy: isRunning(decoyPid), tracer: tracerPid(decoyPid), init: tracerPid(1) }).toEqual({ decoy: true, tracer: 0, init: 0 });
}

/** TracerPid of /proc/PID/status. */
function tracerPid(pid: number): number {
  return Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1);
}

it('has a table that names the decoy\'s PID and PID 1, which on the host are other processes', async () => {
  const ns = (await kamailio.processes()).map((p) => p.pid);
  expect(ns).toContain(1);
  expect(ns).toContain(decoyPid);
  expect(hostPidOf(kamailio.pid, decoyPid)).not.toBe(decoyPid);
  expect(readFileSync(`/proc/${decoyPid}/comm`, 'utf8').trim()).toBe('sleep');
});

it.each(['main', 'worker'] as const)('ps through the %s process lists host PIDs, the namespace PIDs beside them as NSpid says', async (which) => {
  const expected = await expectedProcesses();
  const through = which === 'main' ? mainPid() : (expected.at(-1)?.pid ?? 0);
  const result = await runCli(['ps', String(through), '--json']);
  expect(result.exitCode).toBe(0);
  const list = JSON.parse(result.stdout) as ProcessList;
  expect(list.processes.map((p) => ({ index: p.index, pid: p.pid, nsPid: p.nsPid, role: p.role }))).toEqual(expected);
  for (const p of list.processes) expect({ pid: p.pid, pkgSize: p.pkg?.size }).toEqual({ pid: p.pid, pkgSize: 8388608 });
  const text = await runCli(['ps', String(through)]);
  expect(text.stdout).toContain(', in a PID namespace of its own (its PIDs there in parentheses)');
  for (const p of expected) expect(text.stdout).toMatch(new RegExp(`^\\s+${p.index}\\s+${p.pid} \\(ns ${p.nsPid}\\)\\s`, 'm'));
});

it('walk --all walks exactly the instance\'s processes by their host PIDs; gdb attaches to no other process', async () => {
  // gdb under strace (gdb itself: its own probe children must stay untraced), one trace file per gdb.
  const wrapper = join(dir, 'gdb-traced');
  writeFileSync(wrapper, `#!/bin/sh\nexec strace -o ${dir}/gdb-$$.trace -e trace=ptrace /usr/bin/gdb "$@"\n`);
  chmodSync(wrapper, 0o755);
  const watched = [decoyPid, 1];
  const tracers = new Set<number>();
  const poll = setInterval(() => watched.forEach((pid) => tracers.add(tracerPid(pid))), 2);
  let result;
  try {
    result = await runCli(['walk', String(mainPid()), '--all', '--json', '-', '--gdb', wrapper]);
  } finally {
    clearInterval(poll);
  }
  expect(result.exitCode).toBe(0);
  expect([...tracers]).toEqual([0]);
  const snapshot = JSON.parse(result.stdout) as Snapshot;
  const expected = await expectedProcesses();
  expect(snapshot.target.pid).toBe(mainPid());
  expect(snapshot.processes?.map((p) => ({ index: p.index, pid: p.pid, nsPid: p.nsPid, role: p.role }))).toEqual(expected);
  for (const p of snapshot.processes ?? []) expect({ pid: p.pid, complete: p.walk?.complete, error: p.error }).toEqual({ pid: p.pid, complete: true, error: undefined });
  const attached = readdirSync(dir)
    .filter((f) => f.endsWith('.trace'))
    .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/ptrace\(PTRACE_(?:ATTACH|SEIZE), (\d+)/g)].map((m) => Number(m[1])));
  // The shm walk reads the main process live (no attach), then one pkg walk per process: each attached once, nothing else.
  expect(attached.sort((a, b) => a - b)).toEqual(expected.map((p) => p.pid).sort((a, b) => a - b));
  const text = await runCli(['walk', String(mainPid()), '--all', '--top', '1']);
  expect(text.exitCode).toBe(0);
  expect(text.stdout).toContain(`pkg heaps of ${expected.length} processes (own PID namespace: its PIDs in parentheses):`);
  expect(text.stdout).toMatch(new RegExp(`^\\s+0\\s+${mainPid()} \\(ns 1\\)\\s`, 'm'));
});

it("doctor's pkg headroom names the tightest process by its host PID, the namespace's beside it", async () => {
  const result = await runCli(['doctor', String(mainPid()), '--json']);
  expect(result.exitCode).toBe(0);
  const { checks } = JSON.parse(result.stdout) as { checks: CheckResult[] };
  const pkg = checks.find((c) => c.name === 'pkg headroom');
  expect(pkg?.status).toBe('ok');
  const m = /^tightest of (\d+) processes is PID (\d+) \(ns (\d+)\) \(([^)]*)\)/.exec(pkg?.verdict ?? '');
  const expected = await expectedProcesses();
  expect(m && { count: Number(m[1]), pid: Number(m[2]), nsPid: Number(m[3]) }).toEqual({ count: expected.length, pid: hostPidOf(kamailio.pid, Number(m?.[3])), nsPid: Number(m?.[3]) });
  expect(expected.find((p) => p.pid === Number(m?.[2]))?.role).toBe(m?.[4]);
});

it('info gives a worker\'s role and index, its host PID and its namespace PID', async () => {
  const worker = (await expectedProcesses()).find((p) => p.role === 'timer');
  if (!worker) throw new Error('no timer process');
  const result = await runCli(['info', String(worker.pid), '--json']);
  expect(result.exitCode).toBe(0);
  const info = JSON.parse(result.stdout) as InstanceInfo;
  expect({ pid: info.pid, nsPid: info.nsPid, role: info.role, index: info.processIndex }).toEqual({ pid: worker.pid, nsPid: worker.nsPid, role: 'timer', index: worker.index });
  const text = await runCli(['info', String(worker.pid)]);
  expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^PID ${worker.pid} \\(ns ${worker.nsPid}\\): kamailio 5\\.6\\.3 .*"timer" \\(process ${worker.index} of \\d+\\)$`));
});

// kamheap inside the namespace, as in a sidecar container: Kamailio's main process is PID 1 there
// and takes any child it reaps for a dead worker, then shuts the instance down.
describe('kamheap inside the namespace, where Kamailio is PID 1', () => {
  /** `nsenter` into the instance's PID and mount namespaces (its /proc): kamheap sees PID 1 as Kamailio. */
  const inNamespace = (command: readonly string[]): ResultPromise<{ reject: false }> =>
    execa('nsenter', ['--target', String(mainPid()), '--pid', '--mount', ...command], { reject: false });

  it.each([
    ['walk', '1', '--heap', 'pkg'],
    ['doctor', '1'],
  ])('%s %s ...: starts nothing without kamheap-init above it: exit 21, one line, no gdb', async (...args) => {
    const before = await kamailio.processes();
    const result = await inNamespace([process.execPath, kamheapBin, ...args]);
    expect(result.exitCode).toBe(ExitCode.kamailioAdopter);
    expect(result.stderr).toBe(
      'kamheap: Kamailio is PID 1 of this PID namespace: it would adopt a process kamheap leaves behind and shut down when it reaps it. Run kamheap as "kamheap-init kamheap ..." (the kamheap image does), or from the host',
    );
    expect(result.stdout).toBe('');
    expect(await kamailio.processes()).toEqual(before);
  });

  it('below kamheap-init walks PID 1; a SIGKILL of kamheap mid-walk leaves Kamailio running, adopting nothing', async () => {
    const init = buildKamheapInit(dir);
    const before = await kamailio.processes();
    const logStart = readFileSync(kamailio.logFile, 'utf8').length;
    const walk = await inNamespace([init, process.execPath, kamheapBin, 'walk', '1', '--heap', 'pkg', '--json', '-']);
    expect({ exitCode: walk.exitCode, stderr: walk.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect((JSON.parse(walk.stdout) as Snapshot).walk.complete).toBe(true);
    // Killed inside the script walk's pause: gdb (pdeathsig) and the guard outlive it.
    const run = inNamespace([init, process.execPath, kamheapBin, 'walk', '1', '--heap', 'pkg', '--walker', 'script', '--json', '-']);
    await waitUntil(() => tracerPid(mainPid()) !== 0, 30_000, 'the attach of Kamailio main');
    const [below] = await childrenNamed(run.pid ?? 0, 'kamheap-init');
    const [kamheap] = await childrenNamed(below ?? 0, 'node');
    expect(kamheap).toBeDefined();
    process.kill(kamheap ?? 0, 'SIGKILL');
    expect((await run).exitCode).toBe(128 + 9);
    await waitUntil(() => isRunning(mainPid()) && tracerPid(mainPid()) === 0, 5000, 'Kamailio main to run untraced');
    expect(await kamailio.processes()).toEqual(before);
    expect(readFileSync(kamailio.logFile, 'utf8').slice(logStart)).not.toMatch(/child process \d+|terminating|signal \d+ received/);
  });
});
