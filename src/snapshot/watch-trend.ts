// What `watch` reports, assembled from its samples: the heap's trend (each sample with the time its
// walk started and took), how the schedule kept to the period, and with --all the pkg sum and every
// process's own pkg trend.
import type { Snapshot } from './snapshot.js';
import { analyzeProcesses, pkgSumAsSnapshot, type ProcessTrend } from './process-trend.js';
import { analyzeTrend, type Trend } from './trend.js';

/** One sample: its snapshot, and when its walk started and how long it took. */
export interface WatchSample {
  snapshot: Snapshot;
  startedAt: string;
  walkMs: number;
}

/** How the samples kept to --interval, a period from start to start. */
export interface WatchSchedule {
  periodMs: number;
  /** Samples that started after they were due, because the walk before took longer than the period. */
  late: number;
  longestWalkMs: number;
  /** "on schedule", or how far the samples fell behind and why. */
  note: string;
}

export interface WatchTrend extends Trend {
  schedule: WatchSchedule;
  /** --all: the sum of every process's pkg heap. */
  pkg?: Trend;
  /** --all: each process's pkg heap, growing processes first. */
  processes?: ProcessTrend[];
}

/** The report of a watch of one heap, or (samples with processes) of a `walk --all` instance. */
export function watchTrend(samples: readonly WatchSample[], periodMs: number, late: number): WatchTrend {
  const snapshots = samples.map((s) => s.snapshot);
  const stamped = (t: Trend): Trend => ({ ...t, samples: t.samples.map((s, i) => ({ startedAt: samples[i]?.startedAt ?? s.createdAt, walkMs: samples[i]?.walkMs ?? 0, ...s })) });
  const all = snapshots.every((s) => s.pkgAggregate !== undefined && s.processes !== undefined);
  return {
    ...stamped(analyzeTrend(snapshots)),
    schedule: scheduleOf(samples, periodMs, late),
    ...(all ? { pkg: stamped(analyzeTrend(snapshots.map(pkgSumAsSnapshot))), processes: analyzeProcesses(snapshots) } : {}),
  };
}

/** The period, the late samples and the longest walk, with the note the report prints. */
function scheduleOf(samples: readonly WatchSample[], periodMs: number, late: number): WatchSchedule {
  const longestWalkMs = Math.round(Math.max(0, ...samples.map((s) => s.walkMs)));
  const note =
    late === 0
      ? `on schedule: every sample started one period (${periodMs / 1000} s) after the one before`
      : `${late} of ${samples.length - 1} samples fell behind: a walk took longer than the ${periodMs / 1000} s period (longest ${(longestWalkMs / 1000).toFixed(1)} s), so the next started at once`;
  return { periodMs, late, longestWalkMs, note };
}
