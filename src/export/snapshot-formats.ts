// A snapshot in each data format `walk` and `parse` write (the text report is the views' own).
import type { FragmentList } from '../snapshot/fragment-list.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { snapshotCsv } from './csv-views.js';
import { foldedStacks } from './folded-stacks.js';
import type { OutputContent } from './output-file.js';
import { snapshotPprof } from './pprof-views.js';
import { snapshotHtml } from '../report/snapshot-html.js';
import type { OutputFormat } from './write-data.js';
import { snapshotText } from './write-json.js';

/** The formats of a snapshot: the text report, then the data formats. */
export const snapshotFormats = ['text', 'json', 'ndjson', 'csv', 'pprof', 'folded', 'html'] as const satisfies readonly OutputFormat[];
export type SnapshotDataFormat = Exclude<(typeof snapshotFormats)[number], 'text'>;

/** Renders the snapshot in each data format, when asked; the fragments (--fragments) go into json and ndjson, and the html page's heap map. */
export function snapshotRenderers(snapshot: AnySnapshot, fragments: FragmentList | undefined): Record<SnapshotDataFormat, () => OutputContent> {
  return {
    json: () => snapshotText(snapshot, fragments, 'json'),
    ndjson: () => snapshotText(snapshot, fragments, 'ndjson'),
    csv: () => snapshotCsv(snapshot),
    pprof: () => snapshotPprof(snapshot),
    folded: () => foldedStacks(snapshot),
    html: () => snapshotHtml(snapshot, fragments),
  };
}
