// The metrics `kamheap serve` exposes, in one table (README "serve" lists the same), and how one
// sample and the server's counters become them. Base units throughout: bytes, seconds, ratios.
import type { HeapKind } from '../heap/heap-nouns.js';
import type { MetricFamily, MetricSample, MetricType } from './exposition.js';
import type { HeapReading, HeapTotalsReading, ServeSample, WalkReading } from './serve-sample.js';
import { moduleSeries, topSiteSeries } from './site-series.js';

/** What the server keeps between samples: the last completed sample, and counters over its life. */
export interface ServeState {
  version: string;
  sample: ServeSample | undefined;
  /** Failed heap reads per heap kind since the start (a whole failed round counts for the heaps it was to read). */
  walkErrors: Record<HeapKind, number>;
  /** When the last round that produced a sample ended (ms since the epoch). */
  lastSuccessMs: number | undefined;
}

interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
}

const def = (name: string, type: MetricType, help: string): MetricDef => ({ name, type, help });

const totalsMetrics: Array<[MetricDef, keyof HeapTotalsReading]> = [
  [def('kamheap_heap_size_bytes', 'gauge', 'Size of the heap.'), 'size'],
  [def('kamheap_heap_used_bytes', 'gauge', 'Bytes handed out to callers (the header\'s used).'), 'used'],
  [def('kamheap_heap_real_used_bytes', 'gauge', 'Used bytes with the allocator\'s fragment overhead (real_used).'), 'realUsed'],
  [def('kamheap_heap_max_real_used_bytes', 'gauge', 'Highest real_used since the process started (max_real_used).'), 'maxRealUsed'],
  [def('kamheap_heap_free_bytes', 'gauge', 'Free bytes: size - real_used.'), 'free'],
];

/** Only heaps that were walked have these. */
const walkMetrics: Array<[MetricDef, keyof WalkReading]> = [
  [def('kamheap_heap_used_fragments', 'gauge', 'Used fragments (live allocations) in the walked heap.'), 'usedFragments'],
  [def('kamheap_heap_free_fragments', 'gauge', 'Free fragments in the walked heap.'), 'freeFragments'],
  [def('kamheap_heap_largest_free_fragment_bytes', 'gauge', 'Size of the largest free fragment.'), 'largestFree'],
  [def('kamheap_heap_fragmentation_ratio', 'gauge', '1 - largest free fragment / free bytes: 0 is one free block, near 1 is free memory in crumbs.'), 'fragmentation'],
  [def('kamheap_walk_duration_seconds', 'gauge', 'How long the last walk of the heap took.'), 'durationSeconds'],
  [def('kamheap_walk_pause_seconds', 'gauge', 'How long the last walk kept the process stopped (0 for a live shm walk).'), 'pauseSeconds'],
  [def('kamheap_walk_findings', 'gauge', 'Corruption findings of the last walk (broken fragment headers or check patterns).'), 'findings'],
  [def('kamheap_walk_unsettled_fragments', 'gauge', 'Places a live walk read differently every time (the heap in motion); 0 for a stopped walk.'), 'unsettled'],
];

const siteBytes = def('kamheap_site_bytes', 'gauge', 'Bytes in used fragments allocated at the site; the sites beyond the top K are summed in site="other".');
const siteCount = def('kamheap_site_allocations', 'gauge', 'Used fragments allocated at the site; the sites beyond the top K are summed in site="other".');
const moduleBytes = def('kamheap_module_bytes', 'gauge', 'Bytes in used fragments allocated by the module (kamcmd mod.stats).');
const moduleCount = def('kamheap_module_allocations', 'gauge', 'Used fragments allocated by the module.');
const walkErrors = def('kamheap_walk_errors_total', 'counter', 'Heap reads that failed since serve started (the last sample stays served).');
const lastSuccess = def('kamheap_last_success_timestamp_seconds', 'gauge', 'When the last sample was completed (Unix time).');
const buildInfo = def('kamheap_build_info', 'gauge', 'kamheap\'s version; always 1.');

/** Every metric name serve can expose (the Grafana dashboard's test checks its queries against it). */
export const serveMetricNames: readonly string[] = [
  ...totalsMetrics.map(([d]) => d.name),
  ...walkMetrics.map(([d]) => d.name),
  ...[siteBytes, siteCount, moduleBytes, moduleCount, walkErrors, lastSuccess, buildInfo].map((d) => d.name),
];

/** The families of one scrape: the last sample's series (stamped with the time it was taken), then the server's own. */
export function serveFamilies(state: ServeState, topK: number): MetricFamily[] {
  const sample = state.sample;
  const at = sample?.takenAtMs;
  const stamp = (labels: MetricSample['labels'], value: number): MetricSample => (at === undefined ? { labels, value } : { labels, value, timestampMs: at });
  const heaps = sample?.heaps ?? [];
  const walked = heaps.filter((h): h is HeapReading & { walk: WalkReading } => h.walk !== undefined);
  const heapLabelsOf = (h: HeapReading): MetricSample['labels'] => [['heap', h.heap], ['pid', String(h.pid)], ['role', h.role]];
  const sites = sample?.sites ?? [];
  const siteSeries = sites.flatMap(({ heap, sites: s }) => topSiteSeries(s, topK).map((series) => ({ heap, ...series })));
  const modules = sites.flatMap(({ heap, sites: s }) => moduleSeries(s).map((series) => ({ heap, ...series })));
  const siteLabels = (s: (typeof siteSeries)[number]): MetricSample['labels'] => [['heap', s.heap], ['module', s.module], ['site', s.site]];
  const moduleLabels = (s: (typeof modules)[number]): MetricSample['labels'] => [['heap', s.heap], ['module', s.module]];
  return [
    ...totalsMetrics.map(([d, field]) => family(d, heaps.map((h) => stamp(heapLabelsOf(h), h.totals[field])))),
    ...walkMetrics.map(([d, field]) => family(d, walked.map((h) => stamp(heapLabelsOf(h), h.walk[field])))),
    family(siteBytes, siteSeries.map((s) => stamp(siteLabels(s), s.bytes))),
    family(siteCount, siteSeries.map((s) => stamp(siteLabels(s), s.count))),
    family(moduleBytes, modules.map((s) => stamp(moduleLabels(s), s.bytes))),
    family(moduleCount, modules.map((s) => stamp(moduleLabels(s), s.count))),
    family(walkErrors, (['shm', 'pkg'] as const).map((heap) => ({ labels: [['heap', heap]], value: state.walkErrors[heap] }))),
    family(lastSuccess, state.lastSuccessMs === undefined ? [] : [{ labels: [], value: state.lastSuccessMs / 1000 }]),
    family(buildInfo, [{ labels: [['version', state.version]], value: 1 }]),
  ];
}

function family(d: MetricDef, samples: MetricSample[]): MetricFamily {
  return { ...d, samples };
}
