// The per-heap time series of a `kamheap watch --out` directory: heap free / real used / used over
// the samples, and the bytes of the sites that grew most from the first sample to the last (ranked
// as `diff` ranks them). Samples are reduced to these numbers as they are read, so a long watch
// costs its sites, not its snapshots.
import type { SiteRecord } from '../heap/heap-nouns.js';
import { diffSites } from '../snapshot/diff.js';
import { siteKey } from '../snapshot/summarize.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { heapSections } from './heap-sections.js';

/** One sample's numbers per heap section id. */
export interface SeriesSample {
  createdAt: string;
  heaps: Map<string, { free: number | null; realUsed: number | null; usedBytes: number; sites: SiteRecord[] }>;
}

export interface SiteSeries {
  site: SiteRecord;
  /** Bytes at each sample (0 where the site had no fragment). */
  bytes: number[];
}

export interface HeapSeries {
  /** Sample times, ms since the epoch. */
  times: number[];
  free: Array<number | null>;
  realUsed: Array<number | null>;
  usedBytes: number[];
  /** The sites that grew most, largest growth first. */
  growing: SiteSeries[];
}

/** A snapshot reduced to what the series need. */
export function seriesSample(s: AnySnapshot): SeriesSample {
  const heaps: SeriesSample['heaps'] = new Map();
  for (const h of heapSections(s)) heaps.set(h.id, { free: h.free, realUsed: h.realUsed, usedBytes: h.usedBytes, sites: h.sites });
  return { createdAt: s.createdAt, heaps };
}

/** The series of one heap over the samples that have it; undefined with fewer than two. */
export function heapSeries(samples: readonly SeriesSample[], id: string, top: number): HeapSeries | undefined {
  const points = samples.flatMap((s) => {
    const heap = s.heaps.get(id);
    return heap ? [{ time: Date.parse(s.createdAt), ...heap }] : [];
  });
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2) return undefined;
  const growing = diffSites(first.sites, last.sites)
    .sites.filter((d) => d.bytesDelta > 0)
    .slice(0, top)
    .map((d) => {
      const key = siteKey(d);
      const site = last.sites.find((s) => siteKey(s) === key) ?? { ...d, count: d.countAfter, bytes: d.bytesAfter };
      return { site, bytes: points.map((p) => p.sites.find((s) => siteKey(s) === key)?.bytes ?? 0) };
    });
  return { times: points.map((p) => p.time), free: points.map((p) => p.free), realUsed: points.map((p) => p.realUsed), usedBytes: points.map((p) => p.usedBytes), growing };
}
