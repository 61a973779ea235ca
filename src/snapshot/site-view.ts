// The view model of a snapshot's allocation sites, shared by every view of them (text tables, CSV):
// sites grouped `--by site|function|file|module`, filtered `--module NAME` / `--match TEXT`, sorted
// `--sort bytes|count|name`, each row with its share of the used bytes walked and the allocator's
// overhead (header + trailer bytes) its fragments carry. Pure: data in, rows out.
import type { SiteRecord } from '../heap/heap-nouns.js';
import { settle, type SiteDiff } from './diff.js';
import { siteFileText, siteString, type SiteFields } from './site-string.js';
import type { AnySnapshot } from './snapshot.js';

export const viewGroups = ['site', 'function', 'file', 'module'] as const;
export const viewSorts = ['bytes', 'count', 'name'] as const;
/** What a row stands for: one site, or all sites of one function, file or module. */
export type ViewGroup = (typeof viewGroups)[number];
/** Bytes and count sort largest first (a diff: most growth first); name sorts A to Z. */
export type ViewSort = (typeof viewSorts)[number];

/** How the sites are grouped, filtered and sorted. */
export interface ViewQuery {
  by: ViewGroup;
  sort: ViewSort;
  /** Only sites of this module (exact name). */
  module: string | undefined;
  /** Only sites whose site string contains this text (case-sensitive). */
  match: string | undefined;
}

export const defaultViewQuery: ViewQuery = { by: 'site', sort: 'bytes', module: undefined, match: undefined };

/** One row: a site or a group of sites. */
export interface ViewRow {
  /** The site string, `FILE: FUNCTION` (by function), FILE (by file) or the module. */
  name: string;
  /** The module of the row's sites ("?" when unknown: builds without debug fields, Kamailio 4.x). */
  module: string;
  /** Sites in the row. */
  sites: number;
  count: number;
  bytes: number;
  /** bytes / the used bytes walked, 0..1. */
  share: number;
  /** Header + trailer bytes of the row's fragments (count x the per-fragment overhead); null when unknown. */
  overhead: number | null;
}

export interface SiteView {
  query: ViewQuery;
  rows: ViewRow[];
  /** Sums over the rows (the filtered sites). */
  total: { sites: number; count: number; bytes: number; share: number; overhead: number | null };
  /** Used bytes in the walked range: what the shares are of. */
  usedBytes: number;
  /** The allocator's bytes per fragment besides its size; null when unknown (a snapshot from a log). */
  fragmentOverhead: number | null;
  /** Sites before the filters. */
  allSites: number;
}

/** The module a site belongs to, as rows show it. */
export function siteModule(site: Pick<SiteRecord, 'module'>): string {
  return site.module === '' ? '?' : site.module;
}

/** The name of the group a site falls in. */
export function groupName(site: SiteFields, by: ViewGroup): string {
  if (by === 'module') return siteModule(site);
  if (by === 'site' || site.sizeClass !== undefined) return siteString(site);
  return by === 'file' ? siteFileText(site) : `${siteFileText(site)}: ${site.function}`;
}

/** Whether a site passes `--module` and `--match`. */
export function siteSelected(site: SiteFields, query: Pick<ViewQuery, 'module' | 'match'>): boolean {
  if (query.module !== undefined && site.module !== query.module) return false;
  return query.match === undefined || siteString(site).includes(query.match);
}

/** The rows of a list of sites; `usedBytes` is what shares are of, `fragmentOverhead` null when unknown. */
export function siteView(sites: readonly SiteRecord[], usedBytes: number, fragmentOverhead: number | null, query: ViewQuery): SiteView {
  const groups = new Map<string, ViewRow>();
  for (const site of sites) {
    if (!siteSelected(site, query)) continue;
    const name = groupName(site, query.by);
    const row = groups.get(name) ?? { name, module: siteModule(site), sites: 0, count: 0, bytes: 0, share: 0, overhead: null };
    row.sites++;
    row.count += site.count;
    row.bytes += site.bytes;
    groups.set(name, row);
  }
  const share = (bytes: number): number => (usedBytes > 0 ? bytes / usedBytes : 0);
  const overhead = (count: number): number | null => (fragmentOverhead === null ? null : count * fragmentOverhead);
  const rows = [...groups.values()].map((r) => ({ ...r, share: share(r.bytes), overhead: overhead(r.count) }));
  rows.sort(rowOrder(query.sort));
  const count = rows.reduce((n, r) => n + r.count, 0);
  const bytes = rows.reduce((n, r) => n + r.bytes, 0);
  const total = { sites: rows.reduce((n, r) => n + r.sites, 0), count, bytes, share: share(bytes), overhead: overhead(count) };
  return { query, rows, total, usedBytes, fragmentOverhead, allSites: sites.length };
}

/** The rows of a snapshot's own sites (shares of its used bytes walked, its recorded overhead). */
export function snapshotSiteView(snapshot: AnySnapshot, query: ViewQuery): SiteView {
  return siteView(snapshot.sites, snapshot.totals.used.bytes, snapshot.heap.fragmentOverhead ?? null, query);
}

/** A diff row: a site's change, or a group's summed change with a status of its own. */
export type DiffRow = SiteDiff & { name: string; sites: number };

/** Site changes grouped, filtered and sorted like a SiteView (bytes: most growth first). */
export function diffView(sites: readonly SiteDiff[], query: ViewQuery): DiffRow[] {
  const groups = new Map<string, DiffRow>();
  for (const site of sites) {
    if (!siteSelected(site, query)) continue;
    const name = groupName(site, query.by);
    const row = groups.get(name);
    if (!row) {
      groups.set(name, { ...site, name, sites: 1 });
      continue;
    }
    row.sites++;
    row.countBefore += site.countBefore;
    row.countAfter += site.countAfter;
    row.bytesBefore += site.bytesBefore;
    row.bytesAfter += site.bytesAfter;
  }
  const rows = [...groups.values()].map((r) => ({ ...settle({ ...r, status: 'unchanged' }), name: r.name, sites: r.sites }));
  return rows.sort(diffOrder(query.sort));
}

// Largest first, ties by name for a stable order.
function rowOrder(sort: ViewSort): (a: ViewRow, b: ViewRow) => number {
  if (sort === 'name') return (a, b) => a.name.localeCompare(b.name);
  if (sort === 'count') return (a, b) => b.count - a.count || b.bytes - a.bytes || a.name.localeCompare(b.name);
  return (a, b) => b.bytes - a.bytes || b.count - a.count || a.name.localeCompare(b.name);
}

// Most growth first, most shrinkage last, ties by name.
function diffOrder(sort: ViewSort): (a: DiffRow, b: DiffRow) => number {
  if (sort === 'name') return (a, b) => a.name.localeCompare(b.name);
  if (sort === 'count') return (a, b) => b.countDelta - a.countDelta || b.bytesDelta - a.bytesDelta || a.name.localeCompare(b.name);
  return (a, b) => b.bytesDelta - a.bytesDelta || b.countDelta - a.countDelta || a.name.localeCompare(b.name);
}
