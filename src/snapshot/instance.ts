// The sum over the per-process pkg heaps of an instance snapshot (`walk --all`).
import type { CountBytes, SiteRecord } from '../heap/heap-nouns.js';
import type { PkgAggregate, ProcessSection } from './snapshot.js';
import { siteKey, sortSites } from './summarize.js';

/** Sums the walked sections, site by site. */
export function aggregatePkg(sections: readonly ProcessSection[]): PkgAggregate {
  const sites = new Map<string, SiteRecord>();
  const total: PkgAggregate = { processes: 0, size: 0, realUsed: 0, free: 0, used: { count: 0, bytes: 0 }, sites: [] };
  for (const section of sections) {
    if (!section.heap || !section.totals || !section.sites) continue;
    total.processes++;
    total.size += section.heap.size ?? 0;
    total.realUsed += section.heap.realUsed ?? 0;
    total.free += section.heap.free ?? 0;
    total.used.count += section.totals.used.count;
    total.used.bytes += section.totals.used.bytes;
    for (const site of section.sites) {
      const key = siteKey(site);
      const sum = sites.get(key);
      if (sum) {
        sum.count += site.count;
        sum.bytes += site.bytes;
      } else {
        sites.set(key, { ...site });
      }
    }
  }
  total.sites = sortSites([...sites.values()]);
  return total;
}
