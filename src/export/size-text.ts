// How sizes, counts and shares are printed in text views and the report: sizes human by default
// (binary units, three significant digits), raw with --bytes. One rule each, so every table, total
// and delta reads the same.

/** Human sizes ("11.2 MiB", "980 B") or raw byte counts ("11744051"). */
export type SizeStyle = 'human' | 'raw';

const units = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A byte count as text in the given style; negative counts (diff deltas) keep their sign. */
export function sizeText(bytes: number, style: SizeStyle = 'human'): string {
  if (style === 'raw') return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${value} B`;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // Three significant digits: 1.23 MiB, 12.3 MiB, 123 MiB (1023.9 would round up to 1024: keep 4 digits then).
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${sign}${value.toFixed(digits)} ${units[unit]}`;
}

/** A signed count for deltas: "+3", "-2", "0". */
export function signedCountText(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** A share as "12.3%". */
export function shareText(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A signed size for deltas: "+1.50 MiB", "-980 B", "0 B". */
export function signedSizeText(bytes: number, style: SizeStyle = 'human'): string {
  return bytes > 0 ? `+${sizeText(bytes, style)}` : sizeText(bytes, style);
}
