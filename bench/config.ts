// The benchmark's parameters: fixed by the targets, a few overridable from the environment for
// quick trial runs (the figures in bench/README.md use the defaults).
export interface BenchConfig {
  shmMb: number;
  /** htable cells added with fillShm (one shm fragment each). */
  cells: number;
  /** REGISTERs (usrloc contacts) and MESSAGEs (tm transactions) so more modules hold shm. */
  registers: number;
  messages: number;
  bulkRepeats: number;
  /** gdb for the seed loop; kamheap uses its own default, also `gdb` on PATH. */
  gdb: string;
  /** Keep the work dir (scripts, outputs, snapshots) for inspection. */
  keep: boolean;
  /** Upper bound for any single measured command. */
  methodTimeoutMs: number;
}

/** Defaults, with KAMHEAP_BENCH_CELLS / _REPEATS / _KEEP applied. */
export function benchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  return {
    shmMb: 64,
    cells: positiveInt(env.KAMHEAP_BENCH_CELLS, 100_000, 'KAMHEAP_BENCH_CELLS'),
    registers: 2_000,
    messages: 50,
    bulkRepeats: positiveInt(env.KAMHEAP_BENCH_REPEATS, 3, 'KAMHEAP_BENCH_REPEATS'),
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
