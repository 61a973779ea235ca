// The check every integration test ends with: each process of the instance is running (not in a
// tracing or job-control stop) and Kamailio still answers RPC.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { KamailioInstance } from '../../testbed/index.js';
import { isRunning } from './run-cli.js';

/** Asserts the whole instance is alive and responsive. */
export async function expectInstanceHealthy(kamailio: KamailioInstance): Promise<void> {
  const processes = await kamailio.processes();
  expect(processes.length).toBeGreaterThan(1);
  for (const p of processes) expect({ pid: p.pid, running: isRunning(p.pid) }).toEqual({ pid: p.pid, running: true });
  expect(await kamailio.rpc('core.version')).toMatch(/kamailio/);
}

/** Asserts no process of the instance is held by a debugger. */
export async function expectInstanceUntraced(kamailio: KamailioInstance): Promise<void> {
  for (const p of await kamailio.processes()) expect({ pid: p.pid, tracer: tracerPid(p.pid) }).toEqual({ pid: p.pid, tracer: 0 });
}

/**
 * Asserts that no process was sent a signal since `from` (a length of the instance's log): Kamailio
 * logs "sig_usr(): signal N received" and the worker dies. Returns the log's length now.
 */
export function expectNoSignalLoggedSince(kamailio: KamailioInstance, from: number): number {
  const log = readFileSync(kamailio.logFile, 'utf8');
  expect(log.slice(from)).not.toMatch(/signal \d+ received/);
  return log.length;
}

/** The PID tracing `pid` (0: none, or gone). */
export function tracerPid(pid: number): number {
  try {
    return Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** True while a process (not a zombie) has that PID. */
export function exists(pid: number): boolean {
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
