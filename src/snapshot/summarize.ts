// Turns walked fragments into per-site sums and heap totals. Sites are told apart by their text
// (Kamailio itself groups by pointer, which can split one site); builds without debug fields have
// no sites, so their used fragments are grouped by size class instead.
import type { CountBytes, SiteRecord } from '../heap/heap-nouns.js';
import type { ResolvedFragment } from '../heap/heap-nouns.js';

export interface Summary {
  sites: SiteRecord[];
  used: CountBytes;
  free: CountBytes & { largest: number };
  fragmentation: number;
}

/** The text of a site: where a used fragment was allocated. */
export type SiteText = Pick<SiteRecord, 'module' | 'file' | 'function' | 'line'>;

/** Sums, site by site: fed fragment by fragment, or a site's count and bytes at once. */
export class SiteSums {
  private readonly sites = new Map<string, SiteRecord>();
  private readonly used: CountBytes = { count: 0, bytes: 0 };
  private readonly free = { count: 0, bytes: 0, largest: 0 };

  constructor(private readonly debugFields: boolean) {}

  /** One free fragment of `size` bytes. */
  addFree(size: number): void {
    this.free.count++;
    this.free.bytes += size;
    if (size > this.free.largest) this.free.largest = size;
  }

  /** `count` used fragments of `bytes` in all from one site (without debug fields: `bytes` must be one fragment's size). */
  addUsed(site: SiteText, count: number, bytes: number): void {
    this.used.count += count;
    this.used.bytes += bytes;
    const sizeClass = this.debugFields ? undefined : sizeClassOf(bytes / count);
    const key = sizeClass ?? siteKey(site);
    const known = this.sites.get(key);
    if (known) {
      known.count += count;
      known.bytes += bytes;
    } else if (sizeClass) {
      this.sites.set(key, { module: '', file: '', function: '', line: 0, sizeClass, count, bytes });
    } else {
      this.sites.set(key, { module: site.module, file: site.file, function: site.function, line: site.line, count, bytes });
    }
  }

  summary(): Summary {
    const free = { ...this.free };
    const fragmentation = free.bytes === 0 ? 0 : 1 - free.largest / free.bytes;
    return { sites: sortSites([...this.sites.values()]), used: { ...this.used }, free, fragmentation };
  }
}

/** Sums used fragments per allocation site (module, file, function, line) and totals free ones. */
export function summarize(fragments: readonly ResolvedFragment[], debugFields = true): Summary {
  const sums = new SiteSums(debugFields);
  for (const f of fragments) {
    const size = Number(f.size);
    if (f.free) sums.addFree(size);
    else sums.addUsed(f, 1, size);
  }
  return sums.summary();
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
