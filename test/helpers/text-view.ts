// A TextView for renderer tests: the defaults of the CLI (by site, sort bytes, human sizes, 80
// columns, no colour), with what a test changes.
import { paint } from '../../src/export/paint.js';
import type { TextView } from '../../src/export/site-table.js';
import { defaultViewQuery, type ViewQuery } from '../../src/snapshot/site-view.js';

/** The CLI's default view, `top` rows, with `query` and `rest` changed. */
export function textView(top: number, query: Partial<ViewQuery> = {}, rest: Partial<Omit<TextView, 'query' | 'top'>> = {}): TextView {
  return { query: { ...defaultViewQuery, ...query }, top, sizes: 'human', paint: paint(false), width: 80, ...rest };
}
