// What the benchmark measured on one heap (a shm size, or the pkg heap): every method's runs, as
// size-runs.ts fills them in and size-report.ts prints them.
import type { FragmentsRun } from './kamheap-walk.js';
import type { MethodResult } from './method-result.js';
import type { RawReadResult } from './raw-read.js';

export interface SizeResult {
  heap: 'shm' | 'pkg';
  /** The heap's size as configured (-m or -M), MB. */
  sizeMb: number;
  targetPid: number | null;
  targetRole: string | null;
  /** What the heap was filled with, and how long the fill requests took. */
  fill: string | null;
  fillMs: number | null;
  /** Fragments in the heap (the untimed probe walk), free ones included. */
  fragments: number | null;
  /** The seed GDB loop: whole heap, or a bounded range extrapolated (sampledFragments set). */
  seed: MethodResult | null;
  script: MethodResult | null;
  /** Bulk walker, stopped (--stop, or the CLI's only mode before --stop existed). */
  stopped: MethodResult[];
  /** Bulk walker, live (no --stop); empty when `liveNote` says why. */
  live: MethodResult[];
  liveNote: string | null;
  /** One bulk walk with --fragments, whatever its outcome. */
  withFragments: FragmentsRun | null;
  /** The floor: one read of the same bytes, target stopped / running. */
  rawStop: RawReadResult[];
  rawLive: RawReadResult[];
  /** Bytes the floor reads: walk.bytesRead of the stopped bulk runs, from the first fragment. */
  floorBytes: number | null;
  /** Set when this heap's runs failed; the other heaps still run. */
  error: string | null;
}

/** An empty result for one heap, filled in as its runs finish. */
export function emptySizeResult(heap: 'shm' | 'pkg', sizeMb: number): SizeResult {
  return {
    heap, sizeMb, targetPid: null, targetRole: null, fill: null, fillMs: null, fragments: null,
    seed: null, script: null, stopped: [], live: [], liveNote: null, withFragments: null,
    rawStop: [], rawLive: [], floorBytes: null, error: null,
  };
}

/** "shm 64 MB", "shm 2 GB", "pkg 256 MB". */
export function sizeLabel(r: Pick<SizeResult, 'heap' | 'sizeMb'>): string {
  const size = r.sizeMb >= 1024 && r.sizeMb % 1024 === 0 ? `${r.sizeMb / 1024} GB` : `${r.sizeMb} MB`;
  return `${r.heap} ${size}`;
}
