// Shared by the reports: statistics over repeated runs, and figures and tables as text. The
// tables are Markdown (padded, so they read in a terminal too): bench/README.md takes them as printed.

/** Minimum and median of the non-null values (null when there are none). */
export function minMedian(values: readonly (number | null)[]): { min: number; median: number } | null {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { min: sorted[0] ?? 0, median };
}

/** The median of the non-null values, or null. */
export function median(values: readonly (number | null)[]): number | null {
  return minMedian(values)?.median ?? null;
}

/** The largest value; null when any is unknown (an unknown worst case is not a figure). */
export function worst(values: readonly (number | null)[]): number | null {
  return values.length === 0 || values.includes(null) ? null : Math.max(...values.map((v) => v ?? 0));
}

/** A Markdown table: left-aligned first column, right-aligned figures, padded to line up. */
export function table(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((w, i) => (i === 0 ? (cells[i] ?? '').padEnd(w) : (cells[i] ?? '').padStart(w))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)];
}

/** kB (or any unit, by `per`) to MB (MiB), keeping null. */
export function mb(value: number | null, per = 1024): number | null {
  return value === null ? null : value / per;
}

/** A figure with fixed decimals, or "n/a". */
export function fixed(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

/** A figure with thousands separators and fixed decimals, or "n/a". */
export function grouped(value: number | null, digits = 0): string {
  return value === null ? 'n/a' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
