// `walk --format html` and `parse --format html`: the report page of the snapshot just made, its heap
// map drawn from the walk's own fragment list (--fragments) without writing it anywhere first.
import type { FragmentList } from '../snapshot/fragment-list.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { fragmentListMap } from './read-fragment-map.js';
import { renderHtmlReport } from './render-html-report.js';

/** The page, as one piece once the fragments (if any) have been binned into the heap map. */
export async function* snapshotHtml(snapshot: AnySnapshot, fragments: FragmentList | undefined): AsyncIterable<string> {
  const heapMap = fragments === undefined ? undefined : await fragmentListMap(fragments, snapshot.findings);
  yield renderHtmlReport({ snapshot, ...(heapMap === undefined ? {} : { heapMap }) });
}
