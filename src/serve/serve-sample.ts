// What one round of `kamheap serve`'s walks produced, in the shape the metrics are made from: the
// totals of every heap read (walked, or only its header read as `kamheap ps` reads it), the sites
// of the walked heaps, and what failed in the round.
import type { HeapKind, SiteRecord } from '../heap/heap-nouns.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** The header totals of one heap, as Kamailio keeps them (`kamcmd pkg.stats`, `core.shmmem`). */
export interface HeapTotalsReading {
  size: number;
  used: number;
  realUsed: number;
  maxRealUsed: number;
  free: number;
}

/** What only a walk tells: the fragments, and the walk itself. */
export interface WalkReading {
  usedFragments: number;
  freeFragments: number;
  largestFree: number;
  fragmentation: number;
  durationSeconds: number;
  pauseSeconds: number;
  findings: number;
  unsettled: number;
}

/** One heap of one process: shm through the served PID, or a process's pkg heap. */
export interface HeapReading {
  heap: HeapKind;
  pid: number;
  /** The role from Kamailio's process table ('' when the PID is not in it). */
  role: string;
  totals: HeapTotalsReading;
  /** Absent when the heap was not walked (pkg totals read from the header only). */
  walk?: WalkReading;
}

/** The sites of one heap kind: shm's, the walked process's pkg, or (walk --all) every pkg heap summed. */
export interface HeapSites {
  heap: HeapKind;
  sites: SiteRecord[];
}

export interface ServeSample {
  /** When the round's last read ended (ms since the epoch): every series of the round carries it. */
  takenAtMs: number;
  heaps: HeapReading[];
  sites: HeapSites[];
  /** Heaps that could not be read in this round (a process gone, a refused read); the round still counts. */
  failures: Array<{ heap: HeapKind; pid: number; message: string }>;
}

/** The reading of a walked heap, from its snapshot (or a `walk --all` process section). */
export function walkedReading(pid: number, role: string, s: Pick<Snapshot, 'heap' | 'walk' | 'totals' | 'findings'>): HeapReading {
  const { heap, walk, totals } = s;
  return {
    heap: heap.kind,
    pid,
    role,
    totals: { size: heap.size, used: heap.used, realUsed: heap.realUsed, maxRealUsed: heap.maxRealUsed, free: heap.free },
    walk: {
      usedFragments: totals.used.count,
      freeFragments: totals.free.count,
      largestFree: totals.free.largest,
      fragmentation: totals.fragmentation,
      durationSeconds: seconds(walk.durationMs),
      pauseSeconds: seconds(walk.pauseMs),
      findings: s.findings.length,
      unsettled: walk.consistency?.unsettled.length ?? 0,
    },
  };
}

/** Milliseconds (rounded to microseconds by the snapshot) as seconds, without float noise in the text. */
function seconds(ms: number | null): number {
  return Math.round((ms ?? 0) * 1000) / 1e6;
}
