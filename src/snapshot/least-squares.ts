// A least-squares straight line through points: its slope, and how much of the points' variation
// it explains (R²), used for a site's growth and for free memory's trend.

export interface LineFit {
  /** dy/dx; 0 for fewer than two distinct x. */
  slope: number;
  /** 1 - SSres/SStot, from 0 to 1; null when y (or x) does not vary, so no line is better than another. */
  rSquared: number | null;
}

/** Fits y = a + b·x over the first min(x.length, y.length) points. */
export function fitLine(x: readonly number[], y: readonly number[]): LineFit {
  const n = Math.min(x.length, y.length);
  if (n < 2) return { slope: 0, rSquared: null };
  const mx = mean(x, n);
  const my = mean(y, n);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0) return { slope: 0, rSquared: null };
  // For a least-squares line, 1 - SSres/SStot equals the squared correlation Sxy²/(Sxx·Syy).
  return { slope: sxy / sxx, rSquared: syy === 0 ? null : (sxy * sxy) / (sxx * syy) };
}

function mean(values: readonly number[], n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] ?? 0;
  return sum / n;
}
