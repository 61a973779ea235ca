// The site lists of a snapshot or a diff, one per walked heap, with the heap and process they
// belong to: one list for a single walk, the shm list and one pkg list per process for `walk
// --all` (the pkg sum is left out: it repeats the processes' sites). The exports that flatten sites
// into rows or samples (csv, pprof, folded) all read them from here.
import type { SiteRecord } from '../heap/heap-nouns.js';
import type { SiteDiff, SnapshotDiff } from './diff.js';
import type { AnySnapshot } from './snapshot.js';

/** One heap's sites: `S` is a SiteRecord (snapshot) or a SiteDiff (diff). */
export interface SiteSet<S> {
  heap: string;
  pid: number;
  /** The process's role, for the pkg heaps of `walk --all`. */
  role?: string;
  sites: readonly S[];
}

/** The snapshot's heaps: its own, then (walk --all) each process's pkg heap that was walked. */
export function snapshotSiteSets(snapshot: AnySnapshot): SiteSet<SiteRecord>[] {
  const sets: SiteSet<SiteRecord>[] = [{ heap: snapshot.heap.kind, pid: snapshot.target.pid, sites: snapshot.sites }];
  for (const p of snapshot.processes ?? []) {
    if (p.sites) sets.push({ heap: 'pkg', pid: p.pid, role: p.role, sites: p.sites });
  }
  return sets;
}

/** The diff's heaps: the compared heap (PID of the later snapshot), then (walk --all) each process's pkg heap. */
export function diffSiteSets(diff: SnapshotDiff): SiteSet<SiteDiff>[] {
  const sets: SiteSet<SiteDiff>[] = [{ heap: diff.after.kind, pid: diff.after.pid, sites: diff.sites }];
  for (const p of diff.processes ?? []) sets.push({ heap: 'pkg', pid: p.pid, role: p.role, sites: p.sites });
  return sets;
}
