// The exposition text of `kamheap serve`, made from real snapshots (a Debian 12 Kamailio 5.6.3's
// shm heap holding 30,000 htable cells, and a pkg heap of the same instance): what a scraper reads
// back equals the snapshots' figures, the top-K cut keeps every byte, hostile label values (they
// come from target memory) survive the escapes, and Prometheus's own promtool accepts the text.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../src/heap/heap-nouns.js';
import { renderExposition } from '../../src/serve/exposition.js';
import { serveFamilies, serveMetricNames, type ServeState } from '../../src/serve/serve-metrics.js';
import { walkedReading, type ServeSample } from '../../src/serve/serve-sample.js';
import { moduleSeries, topSiteSeries } from '../../src/serve/site-series.js';
import { siteString } from '../../src/snapshot/site-string.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { parseExposition, type ParsedSample } from '../helpers/exposition-parse.js';

const fixture = (name: string): Snapshot => JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/snapshots/${name}`, import.meta.url)), 'utf8')) as Snapshot;
const shm = fixture('shm-before.json');
const pkg = fixture('pkg.json');
const takenAtMs = Date.parse(shm.createdAt);
// Roles as that instance's process table holds them (test/fixtures/process-table/kamailio-5.6.3.json).
const mainRole = 'main process - attendant';
const receiverRole = 'udp receiver child=0 sock=127.0.0.1:45947';

/** A served sample: the shm walk through the main process, a walked pkg heap, and one process's header totals. */
function sample(sites = shm.sites, role = mainRole): ServeSample {
  return {
    takenAtMs,
    heaps: [
      walkedReading(3139, role, shm),
      walkedReading(3139, role, pkg),
      { heap: 'pkg', pid: 3141, role: receiverRole, totals: { size: 8388608, used: 420624, realUsed: 706944, maxRealUsed: 708928, free: 7681664 } },
    ],
    sites: [
      { heap: 'shm', sites },
      { heap: 'pkg', sites: pkg.sites },
    ],
    failures: [],
  };
}

function state(s: ServeSample | undefined): ServeState {
  return { version: '0.1.0', sample: s, walkErrors: { shm: 2, pkg: 0 }, lastSuccessMs: s?.takenAtMs };
}

function scrape(s: ServeSample | undefined, top = 10): ParsedSample[] {
  return parseExposition(renderExposition(serveFamilies(state(s), top))).samples;
}

function one(samples: ParsedSample[], name: string, labels: Record<string, string>): ParsedSample {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0] as ParsedSample;
}

async function promtool(text: string): Promise<{ exitCode: number | undefined; output: string }> {
  const r = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
  return { exitCode: r.exitCode, output: `${String(r.stdout)}${String(r.stderr)}` };
}

describe('serve metrics from real snapshots', () => {
  it('gives each heap\'s totals, labelled by heap, pid and role, stamped with the time of the sample', () => {
    const samples = scrape(sample());
    const shmLabels = { heap: 'shm', pid: '3139', role: mainRole };
    expect(one(samples, 'kamheap_heap_size_bytes', shmLabels).value).toBe(67108864);
    expect(one(samples, 'kamheap_heap_used_bytes', shmLabels).value).toBe(4499152);
    expect(one(samples, 'kamheap_heap_real_used_bytes', shmLabels).value).toBe(7859400);
    expect(one(samples, 'kamheap_heap_max_real_used_bytes', shmLabels).value).toBe(7859400);
    expect(one(samples, 'kamheap_heap_free_bytes', shmLabels).value).toBe(59249464);
    expect(one(samples, 'kamheap_heap_used_fragments', shmLabels).value).toBe(30048);
    expect(one(samples, 'kamheap_heap_free_fragments', shmLabels).value).toBe(1);
    expect(one(samples, 'kamheap_heap_largest_free_fragment_bytes', shmLabels).value).toBe(59249464);
    expect(one(samples, 'kamheap_heap_fragmentation_ratio', { heap: 'pkg', pid: '3139' }).value).toBe(0.000241);
    expect(one(samples, 'kamheap_walk_duration_seconds', shmLabels).value).toBe(0.511696);
    expect(one(samples, 'kamheap_walk_pause_seconds', { heap: 'pkg', pid: '3139' }).value).toBe(0.047861);
    expect(one(samples, 'kamheap_walk_findings', shmLabels).value).toBe(0);
    expect(one(samples, 'kamheap_walk_unsettled_fragments', shmLabels).value).toBe(0);
    // A heap read from its header only has totals, no fragment or walk series.
    expect(one(samples, 'kamheap_heap_real_used_bytes', { pid: '3141', role: receiverRole }).value).toBe(706944);
    expect(samples.filter((s) => s.labels['pid'] === '3141').map((s) => s.name)).toEqual([
      'kamheap_heap_size_bytes',
      'kamheap_heap_used_bytes',
      'kamheap_heap_real_used_bytes',
      'kamheap_heap_max_real_used_bytes',
      'kamheap_heap_free_bytes',
    ]);
    for (const s of samples.filter((s) => s.name.startsWith('kamheap_heap_') || s.name.startsWith('kamheap_site_') || s.name.startsWith('kamheap_module_'))) {
      expect(s.timestampMs, s.name).toBe(takenAtMs);
    }
  });

  it('keeps the top K sites by bytes with siteString labels and sums the rest in site="other", to the byte', () => {
    const samples = scrape(sample(), 5);
    const shmSites = samples.filter((s) => s.name === 'kamheap_site_bytes' && s.labels['heap'] === 'shm');
    expect(shmSites).toHaveLength(6);
    const ranked = [...shm.sites].sort((a, b) => b.bytes - a.bytes);
    expect(shmSites.slice(0, 5).map((s) => s.labels['site'])).toEqual(ranked.slice(0, 5).map(siteString));
    expect(one(samples, 'kamheap_site_bytes', { heap: 'shm', site: 'htable: ht_api.c: ht_cell_new(186)', module: 'htable' }).value).toBe(3599208);
    expect(one(samples, 'kamheap_site_allocations', { heap: 'shm', site: 'htable: ht_api.c: ht_cell_new(186)' }).value).toBe(30000);
    const other = one(samples, 'kamheap_site_bytes', { heap: 'shm', site: 'other', module: 'other' });
    expect(other.value).toBe(ranked.slice(5).reduce((n, s) => n + s.bytes, 0));
    expect(shmSites.reduce((n, s) => n + s.value, 0)).toBe(shm.totals.used.bytes);
    const counts = samples.filter((s) => s.name === 'kamheap_site_allocations' && s.labels['heap'] === 'shm');
    expect(counts.reduce((n, s) => n + s.value, 0)).toBe(shm.totals.used.count);
  });

  it('sums bytes and counts per module, over every site (not only the top K)', () => {
    const samples = scrape(sample(), 1);
    const modules = samples.filter((s) => s.name === 'kamheap_module_bytes' && s.labels['heap'] === 'pkg');
    const expected = new Map<string, number>();
    for (const s of pkg.sites) expected.set(s.module, (expected.get(s.module) ?? 0) + s.bytes);
    expect(new Map(modules.map((s) => [s.labels['module'], s.value]))).toEqual(expected);
    expect(modules.reduce((n, s) => n + s.value, 0)).toBe(pkg.totals.used.bytes);
  });

  it('bounds the site series at K + 1 per heap whatever the number of sites', () => {
    for (const k of [0, 3, 1000]) {
      const series = topSiteSeries(shm.sites, k);
      expect(series).toHaveLength(Math.min(k, shm.sites.length) + 1);
      expect(series.at(-1)).toMatchObject({ site: 'other', module: 'other' });
    }
    expect(topSiteSeries(shm.sites, 1000).at(-1)).toEqual({ site: 'other', module: 'other', bytes: 0, count: 0 });
  });

  it('merges sites of the same text into one series (a label set must not repeat)', () => {
    const site = shm.sites[0] as SiteRecord;
    const twice = [site, { ...site, count: 1, bytes: 8 }];
    expect(topSiteSeries(twice, 10)).toEqual([
      { module: site.module, site: siteString(site), bytes: site.bytes + 8, count: site.count + 1 },
      { module: 'other', site: 'other', bytes: 0, count: 0 },
    ]);
    expect(moduleSeries(twice)).toEqual([{ module: site.module, bytes: site.bytes + 8, count: site.count + 1 }]);
  });

  it('escapes hostile label values from target memory so that a scraper reads back exactly what the target held', async () => {
    const hostile = ['quote " here', 'back\\slash', 'line\nbreak} fake_metric{x="1"} 9', '\u0000nul\u001b[31m', 'ünïcödé ☃', '"', '\\', '\\n', ''];
    const sites = hostile.map((h, i) => ({ module: `m${i}`, file: `m${i}: ${h}`, function: h, line: i + 1, count: 1, bytes: 100 - i }));
    const text = renderExposition(serveFamilies(state(sample(sites, hostile[2])), 100));
    const samples = parseExposition(text).samples;
    const siteLabels = samples.filter((s) => s.name === 'kamheap_site_bytes' && s.labels['heap'] === 'shm').map((s) => s.labels['site']);
    expect(siteLabels).toEqual([...sites.map(siteString), 'other']);
    expect(one(samples, 'kamheap_heap_size_bytes', { heap: 'shm' }).labels['role']).toBe(hostile[2]);
    expect(samples.some((s) => s.name === 'fake_metric')).toBe(false);
    expect(text).toContain('site="m0: quote \\" here: quote \\" here(1)"');
    expect(text).toContain('role="line\\nbreak} fake_metric{x=\\"1\\"} 9"');
    expect(await promtool(text)).toEqual({ exitCode: 0, output: '' });
  });

  it('passes promtool check metrics (HELP, TYPE, units, counter names) with and without a sample', async () => {
    for (const s of [sample(), undefined]) {
      const text = renderExposition(serveFamilies(state(s), 20));
      expect(await promtool(text)).toEqual({ exitCode: 0, output: '' });
      const parsed = parseExposition(text);
      expect([...parsed.type.keys()]).toEqual(serveMetricNames);
      expect([...parsed.help.keys()]).toEqual(serveMetricNames);
    }
  });

  it('before the first sample, serves only its own series: errors, build info', () => {
    const samples = scrape(undefined);
    expect(samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ['kamheap_walk_errors_total', { heap: 'shm' }, 2],
      ['kamheap_walk_errors_total', { heap: 'pkg' }, 0],
      ['kamheap_build_info', { version: '0.1.0' }, 1],
    ]);
  });

  it('promtool itself fails on a broken exposition (the check can fail)', async () => {
    const text = renderExposition(serveFamilies(state(sample()), 3)).replace('kamheap_walk_errors_total counter', 'kamheap_walk_errors_total gauge');
    expect((await promtool(text)).exitCode).not.toBe(0);
  });
});
