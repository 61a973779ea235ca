// What a report is made from: a snapshot, optionally the heap map of its fragments (binned while they
// were read), an earlier snapshot to diff against, and the samples of a watch directory.
import type { AnySnapshot } from '../snapshot/snapshot.js';
import type { HeapMap } from './heap-map.js';
import type { SeriesSample } from './watch-series.js';

export interface ReportInput {
  snapshot: AnySnapshot;
  /** The snapshot's file as the user named it, for the title. */
  source?: string;
  /** The map of the snapshot's fragments; when absent, made from `snapshot.fragments` if it has them. */
  heapMap?: HeapMap;
  /** An earlier snapshot of the same heap: the report shows the diff. */
  before?: AnySnapshot;
  /** Samples of `kamheap watch --out DIR`, oldest first: the report shows the time series. */
  samples?: SeriesSample[];
  /** When the report was made (the page says so); defaults to now. */
  generatedAt?: Date;
}
