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
/**
 * A larger share of the net fall in one interval is a step (a cache filled once, a burst held by
 * long timers): the window then holds one event, and a line through it says nothing of the next.
 */
const maxStepShare = 0.5;

/** The forecast rule, as printed by `watch --help` and in the report. */
export const forecastRule =
  `free memory is forecast to run out only from at least ${minSamples} samples over at least ${formatSpan(minSpanMs)}, ` +
  `when it fell in at least ${minFallingShare * 100}% of the intervals, never rose between two samples by more than ` +
  `${maxRecoveryShare * 100}% of its net fall, no one interval holds more than ${maxStepShare * 100}% of that fall (a window holding one step ` +
  `is one event, not a trend), and follows a straight line (least-squares R² at least ${minRSquared})`;

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
  /** How sure the forecast is, or would be: what it stands on, each to be read against the rule. */
  confidence: ForecastConfidence;
}

/** The window a forecast is made from, and how well a line fits it. */
export interface ForecastConfidence {
  samples: number;
  /** From the first sample to the last, ms. */
  windowMs: number;
  /** Intervals in which free memory fell, of all intervals. */
  falls: number;
  intervals: number;
  /** The largest fall in one interval as a share of the net fall (0 to 1; null when free did not fall). */
  largestStepShare: number | null;
  /** R² of the least-squares line (null: free never changed). */
  rSquared: number | null;
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
  const confidence = confidenceOf(points, fit.rSquared);
  const forecast = forecastVerdict(points, fit.slope, confidence);
  return {
    first: first.free,
    last: last.free,
    delta: last.free - first.free,
    bytesPerHour: fit.slope,
    hoursToExhaustion: forecast.given ? last.free / -fit.slope : null,
    rSquared: fit.rSquared,
    forecast: forecast.reason,
    confidence,
  };
}

/** The window's size, its falls and largest step, and the fit. */
function confidenceOf(points: readonly FreePoint[], rSquared: number | null): ForecastConfidence {
  const first = points[0];
  const last = points.at(-1);
  let falls = 0;
  let largestFall = 0;
  for (let i = 1; i < points.length; i++) {
    const d = (points[i]?.free ?? 0) - (points[i - 1]?.free ?? 0);
    if (d < 0) falls++;
    largestFall = Math.max(largestFall, -d);
  }
  const netFall = first && last ? first.free - last.free : 0;
  return {
    samples: points.length,
    windowMs: first && last ? last.ms - first.ms : 0,
    falls,
    intervals: Math.max(0, points.length - 1),
    largestStepShare: netFall > 0 ? round(largestFall / netFall, 4) : null,
    rSquared: rSquared === null ? null : round(rSquared, 4),
  };
}

/** The rule, part by part; the first part that fails is the reason. */
function forecastVerdict(points: readonly FreePoint[], slope: number, c: ForecastConfidence): { given: boolean; reason: string } {
  const no = (why: string): { given: boolean; reason: string } => ({ given: false, reason: `no forecast: ${why}` });
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || last.free >= first.free || slope >= 0) return no('free memory is not shrinking');
  const window = `${c.samples} samples over ${formatSpan(c.windowMs)}`;
  if (c.samples < minSamples || c.windowMs < minSpanMs) return no(`${window}, at least ${minSamples} samples over ${formatSpan(minSpanMs)} needed`);
  const fell = `fell in ${c.falls} of ${c.intervals} intervals`;
  if (c.falls < minFallingShare * c.intervals) return no(`free memory ${fell} (${Math.round((c.falls / c.intervals) * 100)}%), at least ${minFallingShare * 100}% needed`);
  const netFall = first.free - last.free;
  let largestRise = 0;
  for (let i = 1; i < points.length; i++) largestRise = Math.max(largestRise, (points[i]?.free ?? 0) - (points[i - 1]?.free ?? 0));
  if (largestRise > maxRecoveryShare * netFall) {
    return no(`free memory rose by ${largestRise} B between two samples, more than ${maxRecoveryShare * 100}% of its net fall of ${netFall} B`);
  }
  const step = c.largestStepShare ?? 0;
  if (step > maxStepShare) return no(`one interval holds ${Math.round(step * 100)}% of the net fall of ${netFall} B (more than ${maxStepShare * 100}%): a step, not a trend`);
  const r2 = c.rSquared ?? 0;
  if (r2 < minRSquared) return no(`free memory does not follow a straight line (R² ${r2.toFixed(2)}, at least ${minRSquared} needed)`);
  return { given: true, reason: `forecast from ${window}: free memory ${fell}, largest step ${Math.round(step * 100)}% of the fall, R² ${r2.toFixed(2)}` };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** "13 s", "9.5 min", "2.1 h". */
export function formatSpan(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Number((seconds / 60).toFixed(1))} min`;
  return `${Number((seconds / 3600).toFixed(1))} h`;
}
