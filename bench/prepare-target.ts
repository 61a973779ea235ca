// Step 1 of every measurement: a Kamailio running bench/kamailio-bench.cfg with a filled heap,
// traffic stopped, and the process to walk.
// - shm: 2 UDP receivers; sipp's REGISTERs (usrloc) and MESSAGEs (tm), then htable cells from a
//   config loop, a few hundred thousand per request (fill.ts); the walked process is the first
//   UDP receiver (any process sees the same shm).
// - pkg: 1 UDP receiver, so every request lands in it; sqlops result containers filled from a
//   db_text table stay in its pkg; that receiver is the walked process.
// Then, for shm, the fragment count is checked, and topped up with more cells if an allocator
// packed the fill into fewer fragments than the benchmark needs.
import { setTimeout as sleep } from 'node:timers/promises';
import { runSipp, startKamailio, type Allocator, type KamailioInstance } from '../testbed/index.js';
import { benchAsset } from './assets.js';
import { allocatorNames, htableBits, type BenchConfig } from './config.js';
import { fillCells, fillPkg, ITEM_STRING_COLUMNS, writeItemsDb } from './fill.js';

export interface PreparedTarget {
  instance: KamailioInstance;
  heap: 'shm' | 'pkg';
  allocator: Allocator;
  /** The walked heap's size, MB (-m for shm, -M for pkg). */
  sizeMb: number;
  /** The Kamailio process whose heap is walked (for shm: whose view of it). */
  pid: number;
  role: string;
  /** htable cells added so far (shm: the configured fill plus any top-ups). */
  cells: number;
  /** What was put in the heap, for the report. */
  fill: string;
  /** Time the fill requests took (the sipp load not included). */
  fillMs: number;
}

/** What topping up the heap found: the fragment count of the last probe and the rounds it took. */
export interface FragmentCheck {
  fragments: number;
  topUps: number;
}

/** How long to let the last in-flight requests settle once the load has finished. */
const SETTLE_MS = 1_000;

export interface ShmTargetSpec {
  allocator: Allocator;
  shmMb: number;
  cells: number;
}

/** Starts Kamailio with `allocator` for shm (and pkg), loads and fills it, and picks a UDP receiver as the target. */
export async function prepareShmTarget(
  config: BenchConfig,
  spec: ShmTargetSpec,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<PreparedTarget> {
  log(`starting Kamailio (${spec.shmMb} MB shm, ${allocatorNames[spec.allocator]})`);
  const instance = await startKamailio({
    shmMb: spec.shmMb,
    children: 2,
    shmAllocator: spec.allocator,
    cfgFile: benchAsset('kamailio-bench.cfg'),
    extraArgs: ['-A', `KH_HTABLE="calls=>size=${htableBits(spec.cells)};autoexpire=0;"`],
  });
  try {
    log(`sipp: ${config.registers} REGISTER, ${config.messages} MESSAGE`);
    await runSipp(instance, { scenario: 'register', calls: config.registers, rate: 500 });
    await runSipp(instance, { scenario: 'message', calls: config.messages, rate: 200 });
    log(`fill: ${spec.cells.toLocaleString('en-US')} htable cells`);
    const fillMs = await fillCells(instance, spec.cells, signal);
    log(`    filled in ${(fillMs / 1000).toFixed(1)} s`);
    // Every request has been answered: no more traffic. Let replies and timers settle.
    await sleep(SETTLE_MS);
    const processes = await instance.processes();
    const target = processes.find((p) => p.description.startsWith('udp receiver')) ?? processes[0];
    if (target === undefined) throw new Error('kamcmd core.psx listed no Kamailio processes');
    const fill = `${config.registers.toLocaleString('en-US')} REGISTER, ${config.messages} MESSAGE, ${spec.cells.toLocaleString('en-US')} htable cells`;
    return { instance, heap: 'shm', allocator: spec.allocator, sizeMb: spec.shmMb, pid: target.pid, role: target.description, cells: spec.cells, fill, fillMs };
  } catch (error) {
    await instance.stop().catch(() => undefined);
    throw error;
  }
}

/** Starts a one-receiver Kamailio with a pkg heap of config.pkgMb and fills that receiver's pkg. */
export async function preparePkgTarget(
  config: BenchConfig,
  workDir: string,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<PreparedTarget> {
  const db = writeItemsDb(workDir, config.pkgRows);
  log(`starting Kamailio (${config.pkgMb} MB pkg, ${config.pkgShmMb} MB shm, q_malloc, 1 UDP receiver)`);
  const instance = await startKamailio({
    shmMb: config.pkgShmMb,
    pkgMb: config.pkgMb,
    children: 1,
    shmAllocator: 'qm',
    cfgFile: benchAsset('kamailio-bench.cfg'),
    extraArgs: ['-A', `KH_SQLCON="bench=>text://${db}"`],
  });
  try {
    log(`fill: ${config.pkgContainers} sqlops results of ${config.pkgRows.toLocaleString('en-US')} rows`);
    const filled = await fillPkg(instance, config.pkgContainers, signal);
    log(`    filled in ${(filled.ms / 1000).toFixed(1)} s, in PID ${filled.pid}`);
    await sleep(SETTLE_MS);
    const target = (await instance.processes()).find((p) => p.pid === filled.pid);
    if (target === undefined || !target.description.startsWith('udp receiver')) {
      throw new Error(`the pkg fill ran in PID ${filled.pid}, which core.psx does not list as a UDP receiver`);
    }
    const fill = `${filled.rows.toLocaleString('en-US')} sqlops rows (${config.pkgContainers} results of ${config.pkgRows.toLocaleString('en-US')}, ${ITEM_STRING_COLUMNS} strings each)`;
    return { instance, heap: 'pkg', allocator: 'qm', sizeMb: config.pkgMb, pid: target.pid, role: target.description, cells: 0, fill, fillMs: filled.ms };
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
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<FragmentCheck> {
  let fragments = await probe(0);
  let topUps = 0;
  const initialCells = target.cells;
  while (fragments < config.minFragments && topUps < config.maxTopUps) {
    topUps += 1;
    const more = Math.ceil((config.minFragments - fragments) * 1.1) + 1_000;
    log(`${fragments} fragments < ${config.minFragments}: ${more} more cells (top-up ${topUps}/${config.maxTopUps})`);
    await fillCells(target.instance, more, signal);
    target.cells += more;
    await sleep(SETTLE_MS);
    fragments = await probe(topUps);
  }
  const topped = topUps > 0 ? ` (+${(target.cells - initialCells).toLocaleString('en-US')} cells in ${topUps} top-up${topUps > 1 ? 's' : ''})` : '';
  log(`${fragments.toLocaleString('en-US')} fragments after ${target.fill}${topped}`);
  return { fragments, topUps };
}
