// What one run of one method yields, in the shape the report prints.
import { median } from './format.js';
import type { StopObservation } from './target-stop.js';

/** bulk: the bulk walker with --stop (or, before the CLI has --stop, its only mode, which stops); bulk-live: without. */
export type MethodId = 'seed-loop' | 'script' | 'bulk' | 'bulk-live';

/** The walk's consistency mode as the snapshot states it (walk.consistency.mode), when it does. */
export type ConsistencyMode = 'stopped' | 'live';

export interface MethodResult {
  id: MethodId;
  /** Fragments walked (free ones included, as all three methods walk them). */
  fragments: number;
  /** Spawn to exit, measured by the benchmark. */
  wallMs: number;
  /** The pause figure the targets use: kamheap's walk.pauseMs, or the observed stop for the seed loop. */
  pauseMs: number | null;
  /** The target's stop as seen from /proc (same method for all three). */
  observedStop: StopObservation;
  /** Peak RSS (kB) of the tool's own process: gdb for the seed loop, node for kamheap. */
  toolRssKb: number | null;
  /** Peak RSS (kB) of the largest process in the tool's tree (GNU time %M). */
  treeRssKb: number | null;
  /** Size of the walked heap from kamheap's snapshot (null for the seed loop, which does not read it). */
  heapBytes: number | null;
  /** The allocator's block address from kamheap's snapshot (heap.block, hex; null for the seed loop). */
  heapBlock: string | null;
  /** The heap's allocator as kamheap found it ("q_malloc", ...; null for the seed loop). */
  allocator: string | null;
  /** Bytes of heap read from /proc/PID/mem during the pause (walk.bytesRead; null when not reported). */
  bytesRead: number | null;
  /** kamheap's own walk time, attach preparation to snapshot data (walk.durationMs; null for the seed loop). */
  walkMs: number | null;
  /** Modules owning used fragments (from kamheap's sites; empty for the seed loop). */
  modules: string[];
  /** walk.consistency.mode of the snapshot; null when the snapshot has no such field (or for the seed loop). */
  consistencyMode: ConsistencyMode | null;
  /** walk.attachMs / walk.detachMs of the snapshot, when present. */
  attachMs: number | null;
  detachMs: number | null;
  /**
   * Seed loop on a bounded range only: the fragments it walked. `fragments`, `wallMs`, `pauseMs`
   * and `observedStop.stoppedMs` are then extrapolated to the whole heap (seed-loop.ts).
   */
  sampledFragments: number | null;
}

/** Error for a method that ran but produced nothing trustworthy (bad exit, incomplete walk). */
export class BenchMethodError extends Error {
  constructor(
    readonly method: MethodId,
    message: string,
    readonly detail: string,
  ) {
    super(`${method}: ${message}${detail ? `\n--- detail ---\n${detail}` : ''}`);
    this.name = 'BenchMethodError';
  }
}

/** One row standing for repeated runs: the median of each figure (the first run's for the rest). */
export function medianRun(runs: readonly MethodResult[]): MethodResult {
  const first = runs[0];
  if (first === undefined) throw new Error('no runs to summarize');
  const med = (pick: (r: MethodResult) => number | null): number | null => median(runs.map(pick));
  return {
    ...first,
    wallMs: med((r) => r.wallMs) ?? first.wallMs,
    pauseMs: med((r) => r.pauseMs),
    observedStop: {
      ...first.observedStop,
      stoppedMs: med((r) => r.observedStop.stoppedMs),
      stoppedUpperMs: med((r) => r.observedStop.stoppedUpperMs),
      maxGapMs: Math.max(...runs.map((r) => r.observedStop.maxGapMs)),
    },
    toolRssKb: med((r) => r.toolRssKb),
    treeRssKb: med((r) => r.treeRssKb),
    bytesRead: med((r) => r.bytesRead),
    walkMs: med((r) => r.walkMs),
    attachMs: med((r) => r.attachMs),
    detachMs: med((r) => r.detachMs),
  };
}
