// `watch --all`: which process's pkg grows. The pkg sum says that private memory grows somewhere;
// an operator then loops `kamcmd pkg.stats | grep real_used` to find the process (Kamailio issue
// #4399). Here every process of the samples gets its own trend (real used bytes, free memory, leak
// suspects), matched across samples by PID and start time: a process restarted under a new PID, or
// the same PID started anew, is another series, never one that "grew" from the old one's heap.
import { KamheapError } from '../errors.js';
import type { ProcessStart, ProcessSection, Snapshot } from './snapshot.js';
import { analyzeTrend, movement, type SiteSeries } from './trend.js';
import type { FreeTrend } from './free-forecast.js';

export interface ProcessTrend {
  pid: number;
  role: string;
  /** When the process started; absent in snapshots of kamheap versions before it. */
  started?: ProcessStart;
  /** Samples whose walk read this process's heap (a process may exit or fail a walk). */
  samples: number;
  /** Its real used bytes at each of those samples (`kamcmd pkg.stats` real_used). */
  realUsed: number[];
  realUsedDelta: number;
  rises: number;
  falls: number;
  /** Real used bytes grow by the leak-suspect rule: never fall, rise in most intervals, end higher. */
  growing: boolean;
  free: FreeTrend | null;
  /** Its sites that moved, largest growth first, and the suspects among them. */
  sites: SiteSeries[];
  suspects: SiteSeries[];
}

/** Per-process pkg trends over `walk --all` samples, growing processes first, then by growth. */
export function analyzeProcesses(samples: readonly Snapshot[]): ProcessTrend[] {
  const series = new Map<string, { section: ProcessSection; snapshots: Snapshot[] }>();
  for (const sample of samples) {
    for (const section of sample.processes ?? []) {
      const own = sectionAsSnapshot(sample, section);
      if (!own) continue;
      const key = `${section.pid}/${section.started?.ticks ?? '?'}`;
      const entry = series.get(key) ?? { section, snapshots: [] };
      entry.snapshots.push(own);
      series.set(key, entry);
    }
  }
  const trends = [...series.values()].map(({ section, snapshots }) => processTrend(section, snapshots));
  return trends.sort((a, b) => Number(b.growing) - Number(a.growing) || b.realUsedDelta - a.realUsedDelta || a.pid - b.pid);
}

/** One process's trend from its own snapshots. */
function processTrend(section: ProcessSection, snapshots: readonly Snapshot[]): ProcessTrend {
  const trend = analyzeTrend(snapshots);
  const realUsed = snapshots.map((s) => s.heap.realUsed);
  const moved = movement(realUsed);
  return {
    pid: section.pid,
    role: section.role,
    ...(section.started ? { started: section.started } : {}),
    samples: snapshots.length,
    realUsed,
    realUsedDelta: (realUsed.at(-1) ?? 0) - (realUsed[0] ?? 0),
    rises: moved.rises,
    falls: moved.falls,
    growing: moved.steady,
    free: trend.free,
    sites: trend.sites,
    suspects: trend.suspects,
  };
}

/** One process's section of a `walk --all` sample as a snapshot of its pkg heap; undefined when it was not walked. */
export function sectionAsSnapshot(sample: Snapshot, section: ProcessSection): Snapshot | undefined {
  const { heap, walk, totals, sites, findings } = section;
  if (!heap || !walk || !totals || !sites || !findings) return undefined;
  const { processes: _processes, pkgAggregate: _sum, ...rest } = sample;
  const target = { pid: section.pid, executable: sample.target.executable, role: section.role, ...(section.started ? { started: section.started } : {}) };
  return { ...rest, target, heap, walk, totals, sites, findings };
}

/** The pkg sum of a `walk --all` sample, shaped as a snapshot so the trend reads it like any heap. */
export function pkgSumAsSnapshot(s: Snapshot): Snapshot {
  const sum = s.pkgAggregate;
  if (!sum) throw new KamheapError('bad-input', 'a --all sample without its pkg sum');
  const { processes: _processes, pkgAggregate: _sum, ...shm } = s;
  return {
    ...shm,
    heap: { ...s.heap, kind: 'pkg', size: sum.size, realUsed: sum.realUsed, free: sum.free, used: sum.used.bytes, maxRealUsed: sum.realUsed },
    totals: { ...s.totals, used: sum.used },
    sites: sum.sites,
  };
}
