// Free memory over a watch, and when its trend may be turned into "exhausted in about N h". A
// forecast from a few seconds, or from one drop, is noise that can frighten an operator into a
// restart: it is given only when the rule below holds, and the report says which part failed.
import { fitLine } from './least-squares.js';

/** A line through 2 to 4 points fits well by chance; 5 leave it three points to miss. */
const minSamples = 5;
/**
 * Traffic holds memory for the life of a transaction (fr_inv_timer, 120 s by default, plus the wait
 * timer) or a dialog: a window of several such lives averages bursts out, seconds see one burst.
 */
const minSpanMs = 10 * 60_000;
/** Most intervals, not all: traffic jitters around a leak (the same share as the suspect rule). */
const minFallingShare = 0.6;
/**
 * A larger rise is memory given back in bulk (timers freeing expired entries, a burst ending): the
 * fall is a cycle, not a path to zero.
 */
const maxRecoveryShare = 0.2;
/** Below it the scatter around the line is too large for its slope to say when memory runs out. */
const minRSquared = 0.8;

/** The forecast rule, as printed by `watch --help` and in the report. */
export const forecastRule =
  `free memory is forecast to run out only from at least ${minSamples} samples over at least ${formatSpan(minSpanMs)}, ` +
  `when it fell in at least ${minFallingShare * 100}% of the intervals, never rose between two samples by more than ` +
  `${maxRecoveryShare * 100}% of its net fall, and follows a straight line (least-squares R² at least ${minRSquared})`;

export interface FreeTrend {
  first: number;
  last: number;
  delta: number;
  /** Least-squares slope of free bytes over time. */
  bytesPerHour: number;
  /** When free memory reaches 0 at bytesPerHour; null unless the forecast rule holds. */
  hoursToExhaustion: number | null;
  /** R² of that line; null for fewer than two samples or free bytes that never change. */
  rSquared: number | null;
  /** Why there is a forecast, or why not: "no forecast: 5 samples over 13 s, at least 5 samples over 10 min needed". */
  forecast: string;
}

/** One sample's free bytes and when it was taken. */
export interface FreePoint {
  ms: number;
  free: number;
}

/** The trend of free bytes over samples in time order; null without any sample. */
export function freeTrend(points: readonly FreePoint[]): FreeTrend | null {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return null;
  const fit = fitLine(
    points.map((p) => (p.ms - first.ms) / 3_600_000),
    points.map((p) => p.free),
  );
  const forecast = forecastVerdict(points, fit.slope, fit.rSquared);
  return {
    first: first.free,
    last: last.free,
    delta: last.free - first.free,
    bytesPerHour: fit.slope,
    hoursToExhaustion: forecast.given ? last.free / -fit.slope : null,
    rSquared: fit.rSquared,
    forecast: forecast.reason,
  };
}

/** The rule, part by part; the first part that fails is the reason. */
function forecastVerdict(points: readonly FreePoint[], slope: number, rSquared: number | null): { given: boolean; reason: string } {
  const no = (why: string): { given: boolean; reason: string } => ({ given: false, reason: `no forecast: ${why}` });
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || last.free >= first.free || slope >= 0) return no('free memory is not shrinking');
  const span = last.ms - first.ms;
  const window = `${points.length} samples over ${formatSpan(span)}`;
  if (points.length < minSamples || span < minSpanMs) return no(`${window}, at least ${minSamples} samples over ${formatSpan(minSpanMs)} needed`);
  const intervals = points.length - 1;
  let falls = 0;
  let largestRise = 0;
  for (let i = 1; i < points.length; i++) {
    const d = (points[i]?.free ?? 0) - (points[i - 1]?.free ?? 0);
    if (d < 0) falls++;
    largestRise = Math.max(largestRise, d);
  }
  const fell = `fell in ${falls} of ${intervals} intervals`;
  if (falls < minFallingShare * intervals) return no(`free memory ${fell} (${Math.round((falls / intervals) * 100)}%), at least ${minFallingShare * 100}% needed`);
  const netFall = first.free - last.free;
  if (largestRise > maxRecoveryShare * netFall) {
    return no(`free memory rose by ${largestRise} B between two samples, more than ${maxRecoveryShare * 100}% of its net fall of ${netFall} B`);
  }
  const r2 = rSquared ?? 0;
  if (r2 < minRSquared) return no(`free memory does not follow a straight line (R² ${r2.toFixed(2)}, at least ${minRSquared} needed)`);
  return { given: true, reason: `forecast from ${window}: free memory ${fell}, R² ${r2.toFixed(2)}` };
}

/** "13 s", "9.5 min", "2.1 h". */
export function formatSpan(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Number((seconds / 60).toFixed(1))} min`;
  return `${Number((seconds / 3600).toFixed(1))} h`;
}
