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
  shmMb: number;
  /** htable cells added with fillShm (one shm fragment each). */
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

/** Defaults, with KAMHEAP_BENCH_CELLS / _REPEATS / _ALLOCATORS / _BASELINES / _KEEP applied. */
export function benchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const cells = positiveInt(env.KAMHEAP_BENCH_CELLS, DEFAULT_CELLS, 'KAMHEAP_BENCH_CELLS');
  return {
    shmMb: 64,
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
