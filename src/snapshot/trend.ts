// What a series of snapshots of one heap says: the trend of free memory, and which allocation sites
// grow steadily (leak suspects) while traffic-driven sites rise and fall.
import type { AnySnapshot, Snapshot } from './snapshot.js';
import { siteKey } from './summarize.js';

export const trendSchemaId = 'kamheap.watch/1';

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
  createdAt: string;
  free: number | Unknown;
  realUsed: number | Unknown;
  usedBytes: number;
  usedCount: number;
}

export interface Trend<Unknown extends null = never> {
  schema: typeof trendSchemaId;
  pid: number;
  kind: string;
  rule: string;
  samples: SampleSummary<Unknown>[];
  /** Over the samples that know their free bytes; null when none does. */
  free: FreeTrend | Unknown;
  /** Sites with any change, largest growth first. */
  sites: SiteSeries[];
  suspects: SiteSeries[];
}

export interface FreeTrend {
  first: number;
  last: number;
  delta: number;
  bytesPerHour: number;
  hoursToExhaustion: number | null;
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
    kind: last.heap.kind,
    rule: suspectRule,
    samples: snapshots.map((s) => ({
      createdAt: s.createdAt,
      free: s.heap.free,
      realUsed: s.heap.realUsed,
      usedBytes: s.totals.used.bytes,
      usedCount: s.totals.used.count,
    })),
    free: freeTrend(snapshots, minutes),
    sites,
    suspects: sites.filter((s) => s.suspect),
  };
}

/** The free-bytes trend over the samples whose heap totals are known. */
function freeTrend(snapshots: readonly AnySnapshot[], minutes: readonly number[]): FreeTrend | null {
  const x: number[] = [];
  const y: number[] = [];
  snapshots.forEach((s, i) => {
    if (s.heap.free === null) return;
    x.push(minutes[i] ?? 0);
    y.push(s.heap.free);
  });
  const first = y[0];
  const last = y.at(-1);
  if (first === undefined || last === undefined) return null;
  const perHour = slope(x, y) * 60;
  return { first, last, delta: last - first, bytesPerHour: perHour, hoursToExhaustion: perHour < 0 ? last / -perHour : null };
}

/** Deltas, rises/falls, slope and the suspect verdict of one site. */
function settle(s: SiteSeries, minutes: number[]): SiteSeries {
  for (let i = 1; i < s.bytes.length; i++) {
    const d = (s.bytes[i] ?? 0) - (s.bytes[i - 1] ?? 0);
    if (d > 0) s.rises++;
    if (d < 0) s.falls++;
  }
  s.bytesDelta = (s.bytes.at(-1) ?? 0) - (s.bytes[0] ?? 0);
  s.countDelta = (s.counts.at(-1) ?? 0) - (s.counts[0] ?? 0);
  s.bytesPerMinute = slope(minutes, s.bytes);
  const intervals = s.bytes.length - 1;
  s.suspect = intervals >= 2 && s.falls === 0 && s.rises >= Math.max(2, Math.ceil(0.6 * intervals)) && s.bytesDelta > 0;
  return s;
}

/** Least-squares slope of y over x (0 for fewer than two distinct x). */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return 0;
  const mx = x.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const my = y.slice(0, n).reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((x[i] ?? 0) - mx) * ((y[i] ?? 0) - my);
    den += ((x[i] ?? 0) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}
