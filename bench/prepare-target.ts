// Step 1 of the benchmark: a testbed Kamailio with a large shm heap (htable cells from fillShm,
// usrloc contacts and tm transactions from sipp), traffic stopped, and the process to walk.
import { setTimeout as sleep } from 'node:timers/promises';
import { fillShm, runSipp, startKamailio, type KamailioInstance } from '../testbed/index.js';
import type { BenchConfig } from './config.js';

export interface PreparedTarget {
  instance: KamailioInstance;
  /** The Kamailio process whose view of shm is walked. */
  pid: number;
  role: string;
}

/** How long to let the last in-flight requests settle once sipp has finished. */
const SETTLE_MS = 1_000;

/** Starts and loads Kamailio, then picks a UDP receiver as the target. */
export async function prepareTarget(config: BenchConfig, log: (line: string) => void): Promise<PreparedTarget> {
  log(`starting Kamailio (${config.shmMb} MB shm, q_malloc)`);
  const instance = await startKamailio({ shmMb: config.shmMb, children: 2 });
  log(`sipp: ${config.registers} REGISTER, ${config.messages} MESSAGE`);
  await runSipp(instance, { scenario: 'register', calls: config.registers, rate: 500 });
  await runSipp(instance, { scenario: 'message', calls: config.messages, rate: 200 });
  log(`fillShm: ${config.cells} htable cells`);
  await fillShm(instance, { cells: config.cells });
  // Every sipp run has completed: no more traffic. Let replies and timers settle.
  await sleep(SETTLE_MS);
  const processes = await instance.processes();
  const target = processes.find((p) => p.description.startsWith('udp receiver')) ?? processes[0];
  if (target === undefined) throw new Error('kamcmd core.psx listed no Kamailio processes');
  return { instance, pid: target.pid, role: target.description };
}
