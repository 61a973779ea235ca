// A SiteView as the text views print it: a heading that says what is shown, the rows (count,
// bytes, share of the used bytes walked, overhead, and the site string or group name), a total.
import type { SiteView, ViewGroup, ViewQuery } from '../snapshot/site-view.js';
import type { Paint } from './paint.js';
import { printable } from './printable.js';
import { shareText, sizeText, type SizeStyle } from './size-text.js';
import { wrapParts } from './text-fit.js';
import { tableLines } from './text-table.js';

/** How a text view is printed: which rows (the query and `top`), sizes, colour and width. */
export interface TextView {
  query: ViewQuery;
  top: number;
  sizes: SizeStyle;
  paint: Paint;
  width: number;
}

const nouns: Record<ViewGroup, [string, string]> = {
  site: ['allocation site', 'allocation sites'],
  function: ['function', 'functions'],
  file: ['file', 'files'],
  module: ['module', 'modules'],
};

/** "3 allocation sites", "1 module". */
export function groupCount(n: number, by: ViewGroup): string {
  return `${n} ${nouns[by][n === 1 ? 0 : 1]}`;
}

/** What the filters keep, for headings: ` (module tm, matching "h_table")`, or nothing. */
export function filterText(query: Pick<ViewQuery, 'module' | 'match'>): string {
  const parts = [query.module === undefined ? '' : `module ${printable(query.module)}`, query.match === undefined ? '' : `matching "${printable(query.match)}"`].filter((p) => p !== '');
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** The heading, the top rows and the total line; `indent` prefixes every line. */
export function siteTableLines(view: SiteView, text: TextView, indent = ''): string[] {
  const { query, rows } = view;
  const shown = rows.slice(0, text.top);
  const size = (n: number | null): string => (n === null ? '?' : sizeText(n, text.sizes));
  const lines = [`${indent}top ${shown.length} of ${groupCount(rows.length, query.by)} by ${query.sort}${filterText(query)}:`];
  if (shown.length === 0) return lines;
  const grouped = query.by !== 'site';
  const columns = [
    { head: 'count', cells: shown.map((r) => String(r.count)) },
    { head: 'bytes', cells: shown.map((r) => size(r.bytes)) },
    { head: 'share', cells: shown.map((r) => shareText(r.share)), colour: (t: string, i: number) => ((shown[i]?.share ?? 0) >= 0.1 ? text.paint.yellow(t) : t) },
    { head: 'overhead', cells: shown.map((r) => size(r.overhead)) },
    ...(grouped ? [{ head: 'sites', cells: shown.map((r) => String(r.sites)) }] : []),
  ];
  const name = { head: query.by, cells: shown.map((r) => printable(r.name)), colour: text.paint.cyan };
  lines.push(...tableLines(columns, name, text.width, text.paint, indent));
  const { total } = view;
  if (rows.length > 1) {
    const all = shown.length === rows.length ? 'all' : `all ${rows.length}`;
    const parts = [`total of ${all}${filterText(query)}:`, `${total.count} fragments,`, `${size(total.bytes)} (${shareText(total.share)}),`, `overhead ${size(total.overhead)}`];
    lines.push(...wrapParts(parts, text.width, indent, ' ', `${indent}  `));
  }
  return lines;
}
