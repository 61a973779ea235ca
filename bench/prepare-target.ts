// Step 1 of the benchmark: a testbed Kamailio with a large shm heap (htable cells from fillShm,
// usrloc contacts and tm transactions from sipp), traffic stopped, and the process to walk. Then
// the heap's fragment count is checked, and topped up with more cells if an allocator packed the
// fill into fewer fragments than the benchmark needs.
import { setTimeout as sleep } from 'node:timers/promises';
import { fillShm, runSipp, startKamailio, type Allocator, type KamailioInstance } from '../testbed/index.js';
import { allocatorNames, type BenchConfig } from './config.js';

export interface PreparedTarget {
  instance: KamailioInstance;
  allocator: Allocator;
  /** The Kamailio process whose view of shm is walked. */
  pid: number;
  role: string;
  /** htable cells added with fillShm so far (the configured fill plus any top-ups). */
  cells: number;
}

/** What topping up the heap found: the fragment count of the last probe and the rounds it took. */
export interface FragmentCheck {
  fragments: number;
  topUps: number;
}

/** How long to let the last in-flight requests settle once sipp has finished. */
const SETTLE_MS = 1_000;

/** Starts and loads Kamailio with `allocator` for shm (and pkg), then picks a UDP receiver as the target. */
export async function prepareTarget(config: BenchConfig, allocator: Allocator, log: (line: string) => void): Promise<PreparedTarget> {
  log(`starting Kamailio (${config.shmMb} MB shm, ${allocatorNames[allocator]})`);
  const instance = await startKamailio({ shmMb: config.shmMb, children: 2, shmAllocator: allocator });
  try {
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
    return { instance, allocator, pid: target.pid, role: target.description, cells: config.cells };
  } catch (error) {
    await instance.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * Probes the heap's fragment count (an untimed walk) and, while it is below `config.minFragments`,
 * adds the shortfall plus 10% in htable cells, up to `config.maxTopUps` rounds. Returns the last
 * count, which may still be short: the report then marks the pause target's precondition as unmet.
 */
export async function ensureFragments(
  config: BenchConfig,
  target: PreparedTarget,
  probe: (round: number) => Promise<number>,
  log: (line: string) => void,
): Promise<FragmentCheck> {
  let fragments = await probe(0);
  let topUps = 0;
  while (fragments < config.minFragments && topUps < config.maxTopUps) {
    topUps += 1;
    const more = Math.ceil((config.minFragments - fragments) * 1.1) + 1_000;
    log(`${fragments} fragments < ${config.minFragments}: fillShm ${more} more cells (top-up ${topUps}/${config.maxTopUps})`);
    await fillShm(target.instance, { cells: more });
    target.cells += more;
    await sleep(SETTLE_MS);
    fragments = await probe(topUps);
  }
  log(`${fragments} fragments after ${target.cells} htable cells${topUps > 0 ? ` (${topUps} top-up${topUps > 1 ? 's' : ''})` : ''}`);
  return { fragments, topUps };
}
