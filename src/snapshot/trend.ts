// What a series of snapshots of one heap says: the trend of free memory, and which allocation sites
// grow steadily (leak suspects) while traffic-driven sites rise and fall.
import { forecastRule, freeTrend, type FreePoint, type FreeTrend } from './free-forecast.js';
import { fitLine } from './least-squares.js';
import type { AnySnapshot, Snapshot } from './snapshot.js';
import { siteKey } from './summarize.js';

/** 2: samples carry startedAt and walkMs, free.confidence, schedule, and with --all processes[]. */
export const trendSchemaId = 'kamheap.watch/2';

/** The leak-suspect rule, as printed by `watch --help` and in the report. */
export const suspectRule =
  'a site is a leak suspect when its bytes never fall between two samples, rise in at least 60% of the intervals (and at least twice), and end higher than they started';

export interface SiteSeries {
  module: string;
  file: string;
  function: string;
  line: number;
  /** Bytes at each sample (0 where the site had no fragment). */
  bytes: number[];
  counts: number[];
  bytesDelta: number;
  countDelta: number;
  rises: number;
  falls: number;
  /** Least-squares growth in bytes per minute. */
  bytesPerMinute: number;
  suspect: boolean;
}

/** `Unknown` is null when snapshots parsed from *_sums lines alone (no heap totals) may be among them. */
export interface SampleSummary<Unknown extends null = never> {
  /** When the sample's walk started (watch only), ISO 8601 UTC. */
  startedAt?: string;
  /** How long its walk took, ms (watch only). */
  walkMs?: number;
  /** When its snapshot was built, after the walk (the trend's time axis). */
  createdAt: string;
  free: number | Unknown;
  realUsed: number | Unknown;
  usedBytes: number;
  usedCount: number;
}

export interface Trend<Unknown extends null = never> {
  schema: typeof trendSchemaId;
  pid: number;
  /** The process's role in Kamailio's process table, when the snapshots say it. */
  role?: string;
  kind: string;
  /** The leak-suspect rule. */
  rule: string;
  /** When free memory is forecast to run out; `free.forecast` says whether it was, and why. */
  forecastRule: string;
  samples: SampleSummary<Unknown>[];
  /** Over the samples that know their free bytes; null when none does. */
  free: FreeTrend | Unknown;
  /** Sites with any change, largest growth first. */
  sites: SiteSeries[];
  suspects: SiteSeries[];
}

/** How a series of values moved: rises and falls between samples, and whether it grows steadily by the suspect rule. */
export interface Movement {
  rises: number;
  falls: number;
  steady: boolean;
}

/** The leak-suspect rule on any series (a site's bytes, a process's real used bytes). */
export function movement(values: readonly number[]): Movement {
  let rises = 0;
  let falls = 0;
  for (let i = 1; i < values.length; i++) {
    const d = (values[i] ?? 0) - (values[i - 1] ?? 0);
    if (d > 0) rises++;
    if (d < 0) falls++;
  }
  const intervals = values.length - 1;
  const grew = (values.at(-1) ?? 0) - (values[0] ?? 0) > 0;
  return { rises, falls, steady: intervals >= 2 && falls === 0 && rises >= Math.max(2, Math.ceil(0.6 * intervals)) && grew };
}

/** Analyses snapshots taken in time order (walked ones know every heap total, parsed ones may not). */
export function analyzeTrend(snapshots: readonly Snapshot[]): Trend;
export function analyzeTrend(snapshots: readonly AnySnapshot[]): Trend<null>;
export function analyzeTrend(snapshots: readonly AnySnapshot[]): Trend<null> {
  const first = snapshots[0];
  const last = snapshots.at(-1);
  if (!first || !last) throw new Error('analyzeTrend needs at least one snapshot');
  const minutes = snapshots.map((s) => (Date.parse(s.createdAt) - Date.parse(first.createdAt)) / 60_000);
  const series = new Map<string, SiteSeries>();
  snapshots.forEach((snapshot, i) => {
    for (const site of snapshot.sites) {
      const key = siteKey(site);
      let entry = series.get(key);
      if (!entry) {
        entry = { module: site.module, file: site.file, function: site.function, line: site.line, bytes: zeros(snapshots.length), counts: zeros(snapshots.length), bytesDelta: 0, countDelta: 0, rises: 0, falls: 0, bytesPerMinute: 0, suspect: false };
        series.set(key, entry);
      }
      entry.bytes[i] = site.bytes;
      entry.counts[i] = site.count;
    }
  });
  const sites = [...series.values()].map((s) => settle(s, minutes)).filter((s) => s.rises + s.falls > 0);
  sites.sort((a, b) => b.bytesDelta - a.bytesDelta || b.bytesPerMinute - a.bytesPerMinute || siteKey(a).localeCompare(siteKey(b)));
  return {
    schema: trendSchemaId,
    pid: last.target.pid,
    ...(last.target.role === undefined ? {} : { role: last.target.role }),
    kind: last.heap.kind,
    rule: suspectRule,
    forecastRule,
    samples: snapshots.map((s) => ({
      createdAt: s.createdAt,
      free: s.heap.free,
      realUsed: s.heap.realUsed,
      usedBytes: s.totals.used.bytes,
      usedCount: s.totals.used.count,
    })),
    free: freeTrend(freePoints(snapshots)),
    sites,
    suspects: sites.filter((s) => s.suspect),
  };
}

/** The samples whose heap totals are known (snapshots parsed from *_sums lines alone have none). */
function freePoints(snapshots: readonly AnySnapshot[]): FreePoint[] {
  return snapshots.flatMap((s) => (s.heap.free === null ? [] : [{ ms: Date.parse(s.createdAt), free: s.heap.free }]));
}

/** Deltas, rises/falls, slope and the suspect verdict of one site. */
function settle(s: SiteSeries, minutes: number[]): SiteSeries {
  const moved = movement(s.bytes);
  s.rises = moved.rises;
  s.falls = moved.falls;
  s.bytesDelta = (s.bytes.at(-1) ?? 0) - (s.bytes[0] ?? 0);
  s.countDelta = (s.counts.at(-1) ?? 0) - (s.counts[0] ?? 0);
  s.bytesPerMinute = fitLine(minutes, s.bytes).slope;
  s.suspect = moved.steady;
  return s;
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}
