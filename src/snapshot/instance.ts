// The per-process part of an instance snapshot (`walk --all`): each process's pkg heap, and the
// sum over all of them.
import type { CountBytes, SiteRecord, Snapshot } from './snapshot.js';
import { siteKey, sortSites } from './summarize.js';

/** One process's pkg heap, or why it could not be walked (it exited, no permission...). */
export interface ProcessSection {
  /** The PID as kamheap sees it (the host's, for an instance in a container). */
  pid: number;
  /** The PID in the instance's own PID namespace, when that is not kamheap's. */
  nsPid?: number;
  index: number;
  role: string;
  heap?: Snapshot['heap'];
  walk?: Snapshot['walk'];
  totals?: Snapshot['totals'];
  sites?: SiteRecord[];
  findings?: Snapshot['findings'];
  error?: string;
}

/** All pkg heaps summed: how much private memory the instance holds, and where. */
export interface PkgAggregate {
  processes: number;
  size: number;
  realUsed: number;
  free: number;
  used: CountBytes;
  sites: SiteRecord[];
}

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
