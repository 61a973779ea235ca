// The benchmark's parameters: fixed by the targets, a few overridable from the environment for
// quick trial runs (the figures in bench/README.md use the defaults).
import type { Allocator } from '../testbed/index.js';

/** The shm allocators the benchmark can measure, in the order it runs them. */
export const allAllocators: readonly Allocator[] = ['qm', 'fm', 'tlsf'];

/** Each testbed allocator switch (`-x`) and the name kamheap's snapshot gives it. */
export const allocatorNames: Record<Allocator, 'q_malloc' | 'f_malloc' | 'tlsf_malloc'> = {
  qm: 'q_malloc',
  fm: 'f_malloc',
  tlsf: 'tlsf_malloc',
};

export interface BenchConfig {
  /** shm heap of the per-allocator table (and of the smallest size, where the seed loop runs whole). */
  shmMb: number;
  /** q_malloc shm heap sizes to measure, MB, ascending (KAMHEAP_BENCH_SIZES). */
  shmSizes: number[];
  /** Measure a pkg heap too (KAMHEAP_BENCH_PKG). */
  pkg: boolean;
  /** The pkg heap (Kamailio's -M) and the shm of that instance (which holds the db_text table). */
  pkgMb: number;
  pkgShmMb: number;
  /** Rows of the items table; each of the 4 sqlops containers keeps them all (5 pkg fragments per row). */
  pkgRows: number;
  pkgContainers: number;
  /** Fragments the seed loop walks on heaps above shmMb, extrapolated to the rest (KAMHEAP_BENCH_SEED_SAMPLE). */
  seedSample: number;
  /** htable cells of the shmMb heap (one shm fragment each); larger heaps get cellsFor(size). */
  cells: number;
  /** REGISTERs (usrloc contacts) and MESSAGEs (tm transactions) so more modules hold shm. */
  registers: number;
  messages: number;
  bulkRepeats: number;
  /** Shm allocators to measure the bulk walker on, in run order (KAMHEAP_BENCH_ALLOCATORS). */
  allocators: Allocator[];
  /** Run (a) the seed loop and (b) the script walker on the q_malloc heap (KAMHEAP_BENCH_BASELINES). */
  baselines: boolean;
  /** Fewest fragments each allocator's heap must hold; fillShm tops up until it does (0 below the default fill). */
  minFragments: number;
  /** Top-up rounds of fillShm per allocator before giving up on minFragments. */
  maxTopUps: number;
  /** gdb for the seed loop; kamheap uses its own default, also `gdb` on PATH. */
  gdb: string;
  /** Keep the work dir (scripts, outputs, snapshots) for inspection. */
  keep: boolean;
  /** Upper bound for any single measured command. */
  methodTimeoutMs: number;
}

/** htable cells by default: with the sipp load, well over 100,000 fragments on every allocator. */
const DEFAULT_CELLS = 100_000;
/** The heap sizes of issue 10, and the fragment counts it measured them with. */
const DEFAULT_SIZES = [64, 512, 2048];
const FRAGMENT_TARGETS: Readonly<Record<number, number>> = { 512: 1_000_000, 2048: 4_500_000 };
/** Fragments the sipp load (REGISTERs, MESSAGEs) and Kamailio's own allocations leave besides the cells. */
const LOAD_FRAGMENTS = 16_000;
/** Fragments per MB for a size without a target: 4.5M in 2 GB, about half the heap in use. */
const FRAGMENTS_PER_MB = 2_200;

/** Defaults, with KAMHEAP_BENCH_CELLS / _SIZES / _PKG / _SEED_SAMPLE / _REPEATS / _ALLOCATORS / _BASELINES / _KEEP applied. */
export function benchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const cells = positiveInt(env.KAMHEAP_BENCH_CELLS, DEFAULT_CELLS, 'KAMHEAP_BENCH_CELLS');
  return {
    shmMb: 64,
    shmSizes: sizeList(env.KAMHEAP_BENCH_SIZES),
    pkg: flag(env.KAMHEAP_BENCH_PKG, true, 'KAMHEAP_BENCH_PKG'),
    pkgMb: 256,
    pkgShmMb: 256,
    pkgRows: 45_000,
    pkgContainers: 4,
    seedSample: positiveInt(env.KAMHEAP_BENCH_SEED_SAMPLE, 20_000, 'KAMHEAP_BENCH_SEED_SAMPLE'),
    cells,
    registers: 2_000,
    messages: 50,
    bulkRepeats: positiveInt(env.KAMHEAP_BENCH_REPEATS, 3, 'KAMHEAP_BENCH_REPEATS'),
    allocators: allocatorList(env.KAMHEAP_BENCH_ALLOCATORS),
    baselines: flag(env.KAMHEAP_BENCH_BASELINES, true, 'KAMHEAP_BENCH_BASELINES'),
    // A smaller fill asked for a quick trial is taken as it is, not topped up to 100k.
    minFragments: cells >= DEFAULT_CELLS ? 100_000 : 0,
    maxTopUps: 3,
    gdb: 'gdb',
    keep: env.KAMHEAP_BENCH_KEEP === '1',
    methodTimeoutMs: 10 * 60_000,
  };
}

/** htable cells for a shm heap of `sizeMb`: `cells` at 64 MB, issue 10's fragment counts at 512 MB and 2 GB. */
export function cellsFor(sizeMb: number, cells: number): number {
  if (sizeMb <= 64) return Math.max(1, Math.round((cells * sizeMb) / 64));
  const target = FRAGMENT_TARGETS[sizeMb] ?? Math.round(sizeMb * FRAGMENTS_PER_MB);
  return Math.max(1_000, target - LOAD_FRAGMENTS);
}

/** htable slots (2^bits) for `cells`: about 16 cells per slot, so an insert's slot walk stays short. */
export function htableBits(cells: number): number {
  return Math.min(20, Math.max(14, Math.ceil(Math.log2(Math.max(1, cells) / 16))));
}

/** "64,512,2048" (commas or spaces) to distinct sizes in MB, ascending. */
export function sizeList(text: string | undefined): number[] {
  if (text === undefined || text.trim() === '') return [...DEFAULT_SIZES];
  const sizes = text.split(/[\s,]+/).filter((word) => word !== '').map((word) => positiveInt(word, 0, 'KAMHEAP_BENCH_SIZES'));
  if (sizes.length === 0) throw new Error('KAMHEAP_BENCH_SIZES lists no size');
  for (const size of sizes) {
    if (size < 16 || size > 65_536) throw new Error(`KAMHEAP_BENCH_SIZES: ${size} MB is outside 16..65536`);
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

// An optional positive integer from the environment.
function positiveInt(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  if (!/^[1-9][0-9]*$/.test(text)) throw new Error(`${name} must be a positive integer, not "${text}"`);
  return Number(text);
}

// An optional 0/1 switch from the environment.
function flag(text: string | undefined, fallback: boolean, name: string): boolean {
  if (text === undefined || text === '') return fallback;
  if (text !== '0' && text !== '1') throw new Error(`${name} must be 0 or 1, not "${text}"`);
  return text === '1';
}

/** "qm,fm,tlsf" (any subset, any order, commas or spaces) to the allocators in run order. */
export function allocatorList(text: string | undefined): Allocator[] {
  if (text === undefined || text.trim() === '') return [...allAllocators];
  const asked = text.split(/[\s,]+/).filter((word) => word !== '');
  for (const word of asked) {
    if (!(allAllocators as readonly string[]).includes(word)) {
      throw new Error(`KAMHEAP_BENCH_ALLOCATORS: "${word}" is not one of ${allAllocators.join(', ')}`);
    }
  }
  // A fixed order (q_malloc, f_malloc, TLSF) whatever the list's order, so runs are comparable.
  return allAllocators.filter((a) => asked.includes(a));
}
