// Compares two snapshots of the same heap: per allocation site the change in count and bytes,
// sites that appeared or vanished, and how free memory moved. Sorted by growth, largest first.
import type { SiteRecord } from '../heap/heap-nouns.js';
import { diffWarnings, type DiffWarningOptions } from './diff-warnings.js';
import type { AnySnapshot } from './snapshot.js';
import { siteKey } from './summarize.js';

export const diffSchemaId = 'kamheap.diff/1';

export type SiteChange = 'new' | 'vanished' | 'grew' | 'shrank' | 'unchanged';

export interface SiteDiff {
  module: string;
  file: string;
  function: string;
  line: number;
  sizeClass?: string;
  status: SiteChange;
  countBefore: number;
  countAfter: number;
  countDelta: number;
  bytesBefore: number;
  bytesAfter: number;
  bytesDelta: number;
}

export interface SnapshotRef {
  createdAt: string;
  pid: number;
  kind: string;
  walker: string;
  complete: boolean;
}

export interface SnapshotDiff {
  schema: typeof diffSchemaId;
  before: SnapshotRef;
  after: SnapshotRef;
  /** Why the two may not be comparable (other host, release, process, heap; same snapshot; wrong order): one line each, empty when none. */
  warnings: string[];
  /** Seconds between the two snapshots. */
  elapsedSeconds: number;
  /** Changes of the heap totals; null where a snapshot has none (parsed from *_sums lines alone). */
  heap: { freeDelta: number | null; usedDelta: number | null; realUsedDelta: number | null; freeBefore: number | null; freeAfter: number | null };
  /** Used bytes and fragments over the walked range, after minus before. */
  used: { countDelta: number; bytesDelta: number };
  counts: Record<SiteChange, number>;
  sites: SiteDiff[];
  /** `walk --all` snapshots: each process present in both (matched by pid), and the pkg sum. */
  processes?: ProcessDiff[];
  pkgAggregate?: SitesDiff;
}

/** Site changes with their totals. */
export interface SitesDiff {
  used: { countDelta: number; bytesDelta: number };
  counts: Record<SiteChange, number>;
  sites: SiteDiff[];
}

/** One process's pkg heap between two `walk --all` snapshots. */
export interface ProcessDiff extends SitesDiff {
  pid: number;
  role: string;
  freeDelta: number | null;
  realUsedDelta: number | null;
}

/** The difference from `before` to `after`. */
export function diffSnapshots(before: AnySnapshot, after: AnySnapshot, options: DiffWarningOptions = {}): SnapshotDiff {
  const { sites: list, counts, used } = diffSites(before.sites, after.sites);
  const perProcess = diffProcesses(before, after);
  return {
    schema: diffSchemaId,
    before: ref(before),
    after: ref(after),
    warnings: diffWarnings(before, after, options),
    elapsedSeconds: (Date.parse(after.createdAt) - Date.parse(before.createdAt)) / 1000,
    heap: {
      freeBefore: before.heap.free,
      freeAfter: after.heap.free,
      freeDelta: change(before.heap.free, after.heap.free),
      usedDelta: change(before.heap.used, after.heap.used),
      realUsedDelta: change(before.heap.realUsed, after.heap.realUsed),
    },
    used,
    counts,
    sites: list,
    ...perProcess,
  };
}

/** Per-site changes between two site lists, largest growth first. */
export function diffSites(before: readonly SiteRecord[], after: readonly SiteRecord[]): SitesDiff {
  const sites = new Map<string, SiteDiff>();
  for (const site of before) sites.set(siteKey(site), entry(site, site.count, site.bytes, 0, 0));
  for (const site of after) {
    const existing = sites.get(siteKey(site));
    if (existing) {
      existing.countAfter = site.count;
      existing.bytesAfter = site.bytes;
    } else {
      sites.set(siteKey(site), entry(site, 0, 0, site.count, site.bytes));
    }
  }
  const list = [...sites.values()].map(settle).sort(byGrowth);
  const counts: Record<SiteChange, number> = { new: 0, vanished: 0, grew: 0, shrank: 0, unchanged: 0 };
  for (const site of list) counts[site.status]++;
  return { used: { countDelta: sum(after, 'count') - sum(before, 'count'), bytesDelta: sum(after, 'bytes') - sum(before, 'bytes') }, counts, sites: list };
}

/** The per-process part, when both snapshots come from `walk --all`. */
function diffProcesses(before: AnySnapshot, after: AnySnapshot): Pick<SnapshotDiff, 'processes' | 'pkgAggregate'> {
  if (!before.processes || !after.processes) return {};
  const earlier = new Map(before.processes.map((p) => [p.pid, p]));
  const processes: ProcessDiff[] = [];
  for (const later of after.processes) {
    const was = earlier.get(later.pid);
    if (!was?.sites || !later.sites || !was.heap || !later.heap) continue;
    processes.push({
      pid: later.pid,
      role: later.role,
      freeDelta: change(was.heap.free, later.heap.free),
      realUsedDelta: change(was.heap.realUsed, later.heap.realUsed),
      ...diffSites(was.sites, later.sites),
    });
  }
  processes.sort((a, b) => b.used.bytesDelta - a.used.bytesDelta || a.pid - b.pid);
  const pkgAggregate = before.pkgAggregate && after.pkgAggregate ? diffSites(before.pkgAggregate.sites, after.pkgAggregate.sites) : undefined;
  return { processes, ...(pkgAggregate ? { pkgAggregate } : {}) };
}

// after - before, or null when either side does not know the value.
function change(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : after - before;
}

function entry(site: SiteRecord, countBefore: number, bytesBefore: number, countAfter: number, bytesAfter: number): SiteDiff {
  const { module, file, line } = site;
  return { module, file, function: site.function, line, ...(site.sizeClass ? { sizeClass: site.sizeClass } : {}), status: 'unchanged', countBefore, countAfter, countDelta: 0, bytesBefore, bytesAfter, bytesDelta: 0 };
}

/** Fills the deltas and the status once both sides are known (also for grouped rows: site-view.ts). */
export function settle(site: SiteDiff): SiteDiff {
  site.countDelta = site.countAfter - site.countBefore;
  site.bytesDelta = site.bytesAfter - site.bytesBefore;
  if (site.countBefore === 0) site.status = 'new';
  else if (site.countAfter === 0) site.status = 'vanished';
  else if (site.bytesDelta > 0 || (site.bytesDelta === 0 && site.countDelta > 0)) site.status = 'grew';
  else if (site.bytesDelta < 0 || site.countDelta < 0) site.status = 'shrank';
  return site;
}

/** Most growth first, most shrinkage last; ties by name for a stable order. */
function byGrowth(a: SiteDiff, b: SiteDiff): number {
  return b.bytesDelta - a.bytesDelta || b.countDelta - a.countDelta || siteKey(a).localeCompare(siteKey(b));
}

function ref(s: AnySnapshot): SnapshotRef {
  return { createdAt: s.createdAt, pid: s.target.pid, kind: s.heap.kind, walker: s.walk.walker, complete: s.walk.complete };
}

function sum(sites: readonly SiteRecord[], field: 'count' | 'bytes'): number {
  return sites.reduce((n, s) => n + s[field], 0);
}
