// The view model: what each part of the page shows, as plain numbers and unescaped text, computed
// from the report's input. The html-*.ts pieces only lay it out and escape it.
import { diffSnapshots, type SitesDiff, type SnapshotDiff } from '../snapshot/diff.js';
import { siteString } from '../snapshot/site-string.js';
import type { SiteRecord } from '../heap/heap-nouns.js';
import { toolVersion } from '../util/version.js';
import { mapFragments, type HeapMap } from './heap-map.js';
import { heapSections, processSectionId, type HeapSection } from './heap-sections.js';
import { moduleColors, type ModuleColors } from './module-colors.js';
import type { ReportInput } from './report-input.js';
import { layoutTreemap, type TreemapNode } from './treemap.js';
import { heapSeries, type HeapSeries } from './watch-series.js';

/** The treemap's drawing box, in SVG units. */
export const treemapBox = { x: 0, y: 0, w: 960, h: 440 } as const;
/** Most rows in a sites table (all sites of a heap are far fewer in practice). */
export const maxTableRows = 2000;
/** Sites charted over time per heap. */
export const seriesSites = 8;
/** Rows per list of the diff (grown, new, gone). */
export const diffRows = 15;

export interface SiteRow {
  text: string;
  module: string;
  count: number;
  bytes: number;
  /** bytes / the heap's used bytes over the walked sites. */
  share: number;
}

export interface DiffView {
  elapsedSeconds: number;
  /** Header deltas, null where either snapshot lacks them. */
  freeDelta: number | null;
  realUsedDelta: number | null;
  used: SitesDiff['used'];
  counts: SitesDiff['counts'];
  grown: SitesDiff['sites'];
  added: SitesDiff['sites'];
  gone: SitesDiff['sites'];
}

export interface SectionView {
  section: HeapSection;
  colors: ModuleColors;
  treemap: TreemapNode[];
  rows: SiteRow[];
  /** Sites left out of the table past maxTableRows. */
  rowsLeftOut: number;
  /** The map, or why there is none. */
  heapMap: HeapMap | { missing: string };
  diff: DiffView | undefined;
  series: HeapSeries | undefined;
  /** For the shm heap of a `walk --all` snapshot: the other heaps, one line each. */
  others: HeapSection[];
}

export interface ReportModel {
  title: string;
  meta: Array<[string, string]>;
  sections: SectionView[];
  tool: string;
  generatedAt: string;
}

/** The view model of a report. */
export function reportModel(input: ReportInput): ReportModel {
  const s = input.snapshot;
  const diff = input.before ? diffSnapshots(input.before, s) : undefined;
  const heaps = heapSections(s);
  const sections = heaps.map((section, i) => sectionView(section, i === 0 ? mainHeapMap(input) : undefined, diff, input, i === 0 ? heaps.slice(1) : []));
  const meta: Array<[string, string]> = [
    ['target', `PID ${s.target.pid}${s.target.executable ? `, ${s.target.executable}` : ''}`],
    ['snapshot', `${input.source ?? 'snapshot'}, taken ${s.createdAt}`],
    ['heap', `${s.heap.kind}, ${s.heap.allocator}, layout ${s.heap.layout} (${s.heap.layoutSource})${s.heap.debugFields ? '' : ', no debug fields'}`],
  ];
  if (input.before) meta.push(['compared with', `snapshot taken ${input.before.createdAt}`]);
  if (input.samples) meta.push(['watch', `${input.samples.length} samples, ${input.samples[0]?.createdAt ?? ''} to ${input.samples[input.samples.length - 1]?.createdAt ?? ''}`]);
  return {
    title: `kamheap report: ${s.heap.kind} heap of PID ${s.target.pid}${s.processes ? ' and its processes' : ''}`,
    meta,
    sections,
    tool: `kamheap ${toolVersion()}`,
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
  };
}

// The map of the snapshot's own heap: given, from its inline fragments, or why there is none.
function mainHeapMap(input: ReportInput): HeapMap | { missing: string } {
  if (input.heapMap) return input.heapMap;
  const fragments = input.snapshot.fragments;
  const map = fragments ? mapFragments(fragments.map(mapFragmentOf), input.snapshot.findings) : undefined;
  if (map) return map;
  return { missing: fragments ? 'The snapshot lists no fragments.' : noFragments(input.snapshot.heap.kind, input.snapshot.target.pid) };
}

/** How to get a snapshot the heap map can be drawn from. */
export function noFragments(kind: string, pid: number): string {
  return `This snapshot has no fragments. For the heap map, walk with --fragments: kamheap walk ${pid} --heap ${kind} --fragments --json FILE (or --format ndjson), then kamheap report FILE.`;
}

/** A snapshot's fragment record as the map reads it: from its header to the end of its user bytes. */
export function mapFragmentOf(f: { frag: string; address: string; size: number; used: boolean; module: string }): { frag: bigint; end: bigint; used: boolean; module: string } {
  return { frag: BigInt(f.frag), end: BigInt(f.address) + BigInt(f.size), used: f.used, module: f.module };
}

// Everything one heap's part of the page shows.
function sectionView(section: HeapSection, heapMap: HeapMap | { missing: string } | undefined, diff: SnapshotDiff | undefined, input: ReportInput, others: HeapSection[]): SectionView {
  const total = section.sites.reduce((n, site) => n + site.bytes, 0);
  const rows = section.sites.slice(0, maxTableRows).map((site) => siteRow(site, total));
  return {
    section,
    colors: moduleColors(section.sites),
    treemap: layoutTreemap(section.sites, treemapBox),
    rows,
    rowsLeftOut: section.sites.length - rows.length,
    heapMap: heapMap ?? { missing: section.error ?? `walk --all records no fragments. For this heap's map: kamheap walk ${section.pid} --heap ${section.kind} --fragments --json FILE.` },
    diff: diff ? diffView(diff, section) : undefined,
    series: input.samples ? heapSeries(input.samples, section.id, seriesSites) : undefined,
    others,
  };
}

function siteRow(site: SiteRecord, total: number): SiteRow {
  return { text: siteString(site), module: site.module, count: site.count, bytes: site.bytes, share: total > 0 ? site.bytes / total : 0 };
}

// The part of a diff that is about this section's heap.
function diffView(diff: SnapshotDiff, section: HeapSection): DiffView | undefined {
  const own = section.id === diff.after.kind ? { ...diff, freeDelta: diff.heap.freeDelta, realUsedDelta: diff.heap.realUsedDelta } : undefined;
  const process = diff.processes?.find((p) => processSectionId(p.pid) === section.id);
  const part = own ?? process ?? (section.id === 'pkg-all' && diff.pkgAggregate ? { ...diff.pkgAggregate, freeDelta: null, realUsedDelta: null } : undefined);
  if (!part) return undefined;
  return {
    elapsedSeconds: diff.elapsedSeconds,
    freeDelta: part.freeDelta,
    realUsedDelta: part.realUsedDelta,
    used: part.used,
    counts: part.counts,
    grown: part.sites.filter((d) => d.status === 'grew').slice(0, diffRows),
    added: part.sites.filter((d) => d.status === 'new').slice(0, diffRows),
    gone: part.sites
      .filter((d) => d.status === 'vanished')
      .sort((a, b) => a.bytesDelta - b.bytesDelta)
      .slice(0, diffRows),
  };
}
