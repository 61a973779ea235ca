// The site and module series of one heap, with a bounded number of them: the K largest sites by
// bytes, everything else summed into one `site="other"` series, and one series per module (a
// Kamailio loads tens of modules, not thousands).
import type { SiteRecord } from '../heap/heap-nouns.js';
import { siteString } from '../snapshot/site-string.js';

export interface SiteSeries {
  module: string;
  site: string;
  bytes: number;
  count: number;
}

export interface ModuleSeries {
  module: string;
  bytes: number;
  count: number;
}

/** The label values of the series that sums the sites beyond the top K (no site string has this form: they end in "(LINE)" or a size class). */
export const otherSite = 'other';

/**
 * The K largest sites (bytes, then site text), then the rest summed as `other` (always present, 0
 * when nothing is left, so the series does not come and go). Sites of the same text are one series:
 * Kamailio groups by string pointer, and two copies of a string would give a label set twice.
 */
export function topSiteSeries(sites: readonly SiteRecord[], k: number): SiteSeries[] {
  const merged = new Map<string, SiteSeries>();
  for (const s of sites) {
    const site = siteString(s);
    const key = `${s.module}\u0000${site}`;
    const series = merged.get(key) ?? { module: s.module, site, bytes: 0, count: 0 };
    series.bytes += s.bytes;
    series.count += s.count;
    merged.set(key, series);
  }
  const ranked = [...merged.values()].sort((a, b) => b.bytes - a.bytes || compareText(a.site, b.site) || compareText(a.module, b.module));
  const top = ranked.slice(0, k);
  const rest = ranked.slice(k);
  const other = { module: otherSite, site: otherSite, bytes: sum(rest, 'bytes'), count: sum(rest, 'count') };
  return [...top, other];
}

/** Bytes and count per module, by module name. */
export function moduleSeries(sites: readonly SiteRecord[]): ModuleSeries[] {
  const modules = new Map<string, ModuleSeries>();
  for (const s of sites) {
    const series = modules.get(s.module) ?? { module: s.module, bytes: 0, count: 0 };
    series.bytes += s.bytes;
    series.count += s.count;
    modules.set(s.module, series);
  }
  return [...modules.values()].sort((a, b) => compareText(a.module, b.module));
}

function sum(series: readonly SiteSeries[], field: 'bytes' | 'count'): number {
  return series.reduce((n, s) => n + s[field], 0);
}

/** Code-unit order: the same on every machine, whatever the locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
