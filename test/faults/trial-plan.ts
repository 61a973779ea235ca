// The trial list: which fault, when, against which walker, heap and process. A pure function of
// the seed (and count / fault filter), so `--seed S` replays a run's trials; the absolute times
// come from the calibration of the machine the trials run on.
import { CONTRACT, FAULTS, type FaultName, type Heap, type Variant, type Walker } from './contract.js';
import { pick, seededRandom, shuffle, type Random } from './seeded-random.js';

/** Kamailio processes a trial may walk, by their `core.psx` role. */
export const TARGET_ROLES = ['receiver-0', 'receiver-1', 'timer', 'slow-timer', 'ctl', 'main'] as const;
export type TargetRole = (typeof TARGET_ROLES)[number];

/** `--json -` (snapshot on stdout) or `--json FILE` (snapshot in the output dir, summary on stdout). */
export type OutputMode = 'json-stdout' | 'json-file';

export interface TrialPlan {
  /** 1-based position in the seed's list (kept when `--trial` or `--only` pick a few). */
  n: number;
  fault: FaultName;
  variant: Variant;
  walker: Walker;
  heap: Heap;
  target: TargetRole;
  output: OutputMode;
  /** In [0, 1): where the moment (or the `--timeout` value) falls in its range. */
  at: number;
  /** In [0, 1): a second draw (SIGSTOP's --timeout margin, the reader's byte count). */
  spare: number;
}

type Cell = Pick<TrialPlan, 'fault' | 'variant' | 'walker' | 'heap'>;

const WALKERS: readonly Walker[] = ['bulk', 'script'];
const HEAPS: readonly Heap[] = ['pkg', 'shm'];

/** Every (variant, walker, heap) the contract allows for a fault. */
export function cellsOf(fault: FaultName): Cell[] {
  const contract = CONTRACT[fault];
  const cells: Cell[] = [];
  for (const variant of contract.variants) {
    const walkers = contract.variantWalkers?.[variant] ?? WALKERS;
    for (const walker of walkers) for (const heap of HEAPS) cells.push({ fault, variant, walker, heap });
  }
  return cells;
}

/**
 * `count` trials spread evenly over the faults (each fault cycles through its cells in a seeded
 * order, so every cell comes up before any repeats), then shuffled together.
 */
export function planTrials(seed: number, count: number, only: readonly FaultName[] = FAULTS): TrialPlan[] {
  const random = seededRandom(seed);
  const faults = [...only];
  const extra = shuffle([...faults], random).slice(0, count % faults.length);
  const drafts: Cell[] = [];
  for (const fault of faults) {
    const quota = Math.floor(count / faults.length) + (extra.includes(fault) ? 1 : 0);
    const cells = shuffle(cellsOf(fault), random);
    for (let i = 0; i < quota; i++) drafts.push(cells[i % cells.length] as Cell);
  }
  return shuffle(drafts, random).map((cell, i) => complete(cell, i + 1, random));
}

/**
 * The quick subset run by `npm test`: each fault at least once, its sharpest moment included,
 * both walkers and both heaps. Random moments sit at fixed fractions of the run (35-50%), so
 * each fault is really injected and not drawn past the end of a walk; the rest of the draws
 * come from a fixed seed.
 */
export const QUICK_SEED = 8;
type QuickCell = Cell & Pick<TrialPlan, 'target'> & { at?: number };
const QUICK_CELLS: readonly QuickCell[] = [
  { fault: 'SIGINT', variant: 'attach-window', walker: 'bulk', heap: 'pkg', target: 'receiver-0' },
  { fault: 'SIGINT', variant: 'random', walker: 'script', heap: 'pkg', target: 'receiver-1', at: 0.5 },
  { fault: 'SIGTERM', variant: 'attach-window', walker: 'script', heap: 'shm', target: 'timer' },
  { fault: 'SIGKILL-kamheap', variant: 'attach-window', walker: 'bulk', heap: 'shm', target: 'receiver-0' },
  { fault: 'SIGKILL-kamheap', variant: 'mid-pause', walker: 'script', heap: 'shm', target: 'ctl', at: 0.3 },
  { fault: 'SIGKILL-gdb', variant: 'attach-window', walker: 'script', heap: 'pkg', target: 'receiver-0' },
  { fault: 'SIGKILL-gdb', variant: 'random', walker: 'bulk', heap: 'shm', target: 'main', at: 0.35 },
  { fault: 'SIGSTOP-gdb', variant: 'attach-window', walker: 'bulk', heap: 'pkg', target: 'receiver-1' },
  { fault: 'SIGSTOP-gdb', variant: 'random', walker: 'script', heap: 'shm', target: 'slow-timer', at: 0.35 },
  { fault: 'target-killed', variant: 'random', walker: 'script', heap: 'pkg', target: 'receiver-1', at: 0.5 },
  { fault: 'target-killed', variant: 'attach-window', walker: 'bulk', heap: 'shm', target: 'receiver-0' },
  { fault: 'timeout', variant: 'attach-window', walker: 'bulk', heap: 'shm', target: 'timer' },
  { fault: 'timeout', variant: 'spread', walker: 'script', heap: 'pkg', target: 'receiver-0', at: 0.4 },
  { fault: 'pipe-closed', variant: 'after-bytes', walker: 'bulk', heap: 'shm', target: 'receiver-0' },
  { fault: 'pipe-closed', variant: 'before-output', walker: 'script', heap: 'pkg', target: 'timer' },
];

export function quickPlan(): TrialPlan[] {
  const random = seededRandom(QUICK_SEED);
  return QUICK_CELLS.map(({ target, at, ...cell }, i) => {
    const drawn = complete(cell, i + 1, random);
    return { ...drawn, target, at: at ?? drawn.at };
  });
}

// The per-trial draws, always in the same order so a seed means one list.
function complete(cell: Cell, n: number, random: Random): TrialPlan {
  const target = pick(TARGET_ROLES, random);
  const output = pick<OutputMode>(['json-stdout', 'json-file'], random);
  const at = random();
  const spare = random();
  // The pipe faults read the snapshot from stdout: that is the output whose reader goes away.
  return { n, ...cell, target, output: cell.fault === 'pipe-closed' ? 'json-stdout' : output, at, spare };
}

/** The fault names given to `--only`, checked. */
export function parseFaults(text: string): FaultName[] {
  const names = text.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(FAULTS as readonly string[]).includes(name)) throw new Error(`unknown fault "${name}" (one of ${FAULTS.join(', ')})`);
  }
  return names as FaultName[];
}
