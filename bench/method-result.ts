// What one run of one method yields, in the shape the report prints.
import type { StopObservation } from './target-stop.js';

export type MethodId = 'seed-loop' | 'script' | 'bulk';

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
  /** The heap's allocator as kamheap found it ("q_malloc", ...; null for the seed loop). */
  allocator: string | null;
  /** Bytes of heap read from /proc/PID/mem during the pause (walk.bytesRead; null when not reported). */
  bytesRead: number | null;
  /** kamheap's own walk time, attach preparation to snapshot data (walk.durationMs; null for the seed loop). */
  walkMs: number | null;
  /** Modules owning used fragments (from kamheap's sites; empty for the seed loop). */
  modules: string[];
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
