// The check every integration test ends with: each process of the instance is running (not in a
// tracing or job-control stop) and Kamailio still answers RPC.
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
