// The profiles kamheap writes: a snapshot's heaps (one sample per site, labelled with heap and pid,
// and role for the pkg heaps of `walk --all`; the pkg sum is left out, it repeats them) and a diff
// (after - before per site, negative where a site shrank: `go tool pprof` reads such a profile as
// it reads its own `-diff_base` result).
import type { SnapshotDiff } from '../snapshot/diff.js';
import { diffSiteSets, snapshotSiteSets, type SiteSet } from '../snapshot/site-sets.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { encodePprof, type PprofSample, type PprofSite } from './pprof-profile.js';

/** The snapshot as a gzipped profile.proto. */
export function snapshotPprof(snapshot: AnySnapshot): Uint8Array {
  const samples = samplesOf(snapshotSiteSets(snapshot), (s) => [s.count, s.bytes]);
  return encodePprof(samples, {
    time: snapshot.createdAt,
    durationMs: snapshot.walk.durationMs,
    executable: snapshot.target.executable,
    comments: [`kamheap: ${snapshot.heap.kind} heap of PID ${snapshot.target.pid} (${snapshot.heap.allocator}), ${snapshot.createdAt}${snapshot.processes ? ', with the pkg heap of each process' : ''}`],
  });
}

/** The diff as a gzipped profile.proto of the changes; unchanged sites are left out. */
export function diffPprof(diff: SnapshotDiff): Uint8Array {
  const samples = samplesOf(diffSiteSets(diff), (s) => [s.countDelta, s.bytesDelta]).filter((s) => s.count !== 0 || s.bytes !== 0);
  return encodePprof(samples, {
    time: diff.after.createdAt,
    durationMs: diff.elapsedSeconds > 0 ? diff.elapsedSeconds * 1000 : null,
    executable: null,
    comments: [`kamheap diff: ${diff.after.kind} heap, ${diff.before.createdAt} (PID ${diff.before.pid}) -> ${diff.after.createdAt} (PID ${diff.after.pid}), after minus before`],
  });
}

// One sample per site of every set, labelled with its heap and process.
function samplesOf<S extends PprofSite>(sets: readonly SiteSet<S>[], values: (site: S) => [number, number]): PprofSample[] {
  return sets.flatMap((set) =>
    set.sites.map((site) => {
      const [count, bytes] = values(site);
      return { site, count, bytes, labels: { heap: set.heap, pid: set.pid, ...(set.role === undefined ? {} : { role: set.role }) } };
    }),
  );
}
