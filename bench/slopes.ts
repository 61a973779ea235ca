// How a figure grows with the heap: the least-squares slope of the figure against the fragment
// count over the measured shm sizes, per million fragments (ms per 1M fragments, MB per 1M).
import { fitLine } from '../src/snapshot/least-squares.js';

export interface SlopePoint {
  fragments: number;
  /** The figure at that size (ms, MB, ...); null when it was not measured there. */
  value: number | null;
}

export interface Slope {
  /** Figure units per 1,000,000 fragments. */
  perMillion: number;
  /** Fraction of the variation the line explains; null with two points (always 1) or no variation. */
  rSquared: number | null;
  /** Sizes the line went through. */
  points: number;
}

/** The slope through the points that have a value; null with fewer than two distinct fragment counts. */
export function slopePerMillion(points: readonly SlopePoint[]): Slope | null {
  const known = points.filter((p): p is { fragments: number; value: number } => p.value !== null && Number.isFinite(p.value));
  if (new Set(known.map((p) => p.fragments)).size < 2) return null;
  const fit = fitLine(
    known.map((p) => p.fragments / 1e6),
    known.map((p) => p.value),
  );
  return { perMillion: fit.slope, rSquared: known.length > 2 ? fit.rSquared : null, points: known.length };
}

/** "123 ms/1M (3 sizes, R² 0.99)", or "n/a". */
export function describeSlope(slope: Slope | null, unit: string, digits = 0): string {
  if (slope === null) return 'n/a';
  const fit = slope.rSquared === null ? '' : `, R² ${slope.rSquared.toFixed(2)}`;
  return `${slope.perMillion.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}/1M (${slope.points} sizes${fit})`;
}
