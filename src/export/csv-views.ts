// The tables kamheap exports as CSV: a snapshot's sites, a diff's site changes, `ps`'s processes.
// Every data format holds all rows (no --top). A site's columns are the same in each: module, file
// (without the module, siteFileName), function, line, site (siteString, as text views print it),
// then the numbers; size_class is filled on builds without the memory debug fields.
import type { SiteRecord } from '../heap/heap-nouns.js';
import type { ProcessList } from '../locate/instance-processes.js';
import type { SiteDiff, SnapshotDiff } from '../snapshot/diff.js';
import { siteFileName, siteString } from '../snapshot/site-string.js';
import { diffSiteSets, snapshotSiteSets, type SiteSet } from '../snapshot/site-sets.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { csvTable, type CsvCell } from './csv-table.js';

const heapColumns = ['heap', 'pid', 'role'];
const siteColumns = ['module', 'file', 'function', 'line', 'site'];

/** One row per site of every heap the snapshot holds. */
export function snapshotCsv(snapshot: AnySnapshot): string {
  const header = [...heapColumns, ...siteColumns, 'count', 'bytes', 'size_class'];
  return csvTable(header, rowsOf(snapshotSiteSets(snapshot), (s: SiteRecord) => [s.count, s.bytes, s.sizeClass]));
}

/** One row per site of the diff, unchanged ones included, in the diff's order (largest growth first). */
export function diffCsv(diff: SnapshotDiff): string {
  const header = [...heapColumns, 'status', ...siteColumns, 'count_before', 'count_after', 'count_delta', 'bytes_before', 'bytes_after', 'bytes_delta', 'size_class'];
  return csvTable(header, rowsOf(diffSiteSets(diff), (s: SiteDiff) => [s.countBefore, s.countAfter, s.countDelta, s.bytesBefore, s.bytesAfter, s.bytesDelta, s.sizeClass], (s) => [s.status]));
}

/** One row per process, columns named and filled as `kamcmd pkg.stats` names them (numbers empty when unreadable, with the reason). */
export function processListCsv(list: ProcessList): string {
  const header = ['entry', 'pid', 'ns_pid', 'rank', 'used', 'free', 'real_used', 'total_size', 'max_real_used', 'desc', 'error'];
  return csvTable(
    header,
    list.processes.map((p) => [p.index, p.pid, p.nsPid, p.rank, p.pkg?.used, p.pkg?.free, p.pkg?.realUsed, p.pkg?.size, p.pkg?.maxRealUsed, p.role, p.pkg ? undefined : (p.pkgError ?? 'unreadable')]),
  );
}

// The rows of every set: heap columns, `lead` cells, the site's columns, then its numbers.
function* rowsOf<S extends Omit<SiteRecord, 'count' | 'bytes'>>(sets: readonly SiteSet<S>[], numbers: (site: S) => CsvCell[], lead: (site: S) => CsvCell[] = () => []): Generator<CsvCell[]> {
  for (const set of sets) {
    for (const s of set.sites) {
      const named = s.sizeClass === undefined;
      yield [set.heap, set.pid, set.role, ...lead(s), named ? s.module : undefined, named ? siteFileName(s) : undefined, named ? s.function : undefined, named ? s.line : undefined, siteString(s), ...numbers(s)];
    }
  }
}
