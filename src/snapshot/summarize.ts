// Turns walked fragments into per-site sums and heap totals.
import type { CountBytes, SiteRecord } from '../heap/heap-nouns.js';
import type { ResolvedFragment } from './walk-output.js';

export interface Summary {
  sites: SiteRecord[];
  used: CountBytes;
  free: CountBytes & { largest: number };
  fragmentation: number;
}

/**
 * Sums used fragments per allocation site (module, file, function, line) and totals free ones.
 * Without debug fields there are no sites: used fragments are grouped by size class instead.
 */
export function summarize(fragments: readonly ResolvedFragment[], debugFields = true): Summary {
  const sites = new Map<string, SiteRecord>();
  const used = { count: 0, bytes: 0 };
  const free = { count: 0, bytes: 0, largest: 0 };
  for (const f of fragments) {
    const size = Number(f.size);
    if (f.free) {
      free.count++;
      free.bytes += size;
      if (size > free.largest) free.largest = size;
      continue;
    }
    used.count++;
    used.bytes += size;
    const sizeClass = debugFields ? undefined : sizeClassOf(size);
    const key = sizeClass ?? siteKey(f);
    const site = sites.get(key);
    if (site) {
      site.count++;
      site.bytes += size;
    } else if (sizeClass) {
      sites.set(key, { module: '', file: '', function: '', line: 0, sizeClass, count: 1, bytes: size });
    } else {
      sites.set(key, { module: f.module, file: f.file, function: f.function, line: f.line, count: 1, bytes: size });
    }
  }
  const fragmentation = free.bytes === 0 ? 0 : 1 - free.largest / free.bytes;
  return { sites: sortSites([...sites.values()]), used, free, fragmentation };
}

/** The power-of-two class of a size: "1-16", "17-32", "33-64", ... */
export function sizeClassOf(size: number): string {
  let high = 16;
  while (high < size) high *= 2;
  return `${high === 16 ? 1 : high / 2 + 1}-${high}`;
}

/** The identity of a site as text; Kamailio itself groups by pointer, which can split one site. */
export function siteKey(site: { module: string; file: string; function: string; line: number; sizeClass?: string }): string {
  return `${site.module}\u0000${site.file}\u0000${site.function}\u0000${site.line}\u0000${site.sizeClass ?? ''}`;
}

/** Largest first; ties broken by count and then by name so output is stable. */
export function sortSites(sites: SiteRecord[]): SiteRecord[] {
  return sites.sort(
    (a, b) =>
      b.bytes - a.bytes ||
      b.count - a.count ||
      a.file.localeCompare(b.file) ||
      a.function.localeCompare(b.function) ||
      a.line - b.line ||
      a.module.localeCompare(b.module),
  );
}
