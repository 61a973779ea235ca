import { describe, expect, it } from 'vitest';
import { collectReport } from '../../src/cli/report-command.js';
import { sizeText } from '../../src/export/size-text.js';
import { HeapMapBinner, maxCells } from '../../src/report/heap-map.js';
import { renderHtmlReport } from '../../src/report/render-html-report.js';
import { readSnapshot } from '../../src/snapshot/read-snapshot.js';
import { siteString } from '../../src/snapshot/site-string.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { fixture, ndjsonFragments } from './report-fixtures.js';

// The sites table rows of one heap section: [site text, count, exact bytes].
function tableRows(html: string, heap: string): Array<[string, number, number]> {
  const table = new RegExp(`<table class="sites" data-heap="${heap}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr data-i="\d+"><td class="num">\d+<\/td><td class="site">([^<]*)<\/td><td>[^<]*<\/td><td class="num">(\d+)<\/td><td class="num" data-bytes="(\d+)">/g)].map((m) => [unescape(m[1] ?? ''), Number(m[2]), Number(m[3])]);
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

// What the table of a section should hold: the snapshot's sites, in its order.
function expectedRows(sites: AnySnapshot['sites']): Array<[string, number, number]> {
  return sites.map((s) => [siteString(s), s.count, s.bytes]);
}

describe('renderHtmlReport on real snapshots', () => {
  it('a shm walk and an earlier one: every site in the table, the diff with the grown site', async () => {
    const input = await collectReport(fixture('snapshots/shm-after.json'), fixture('snapshots/shm-before.json'));
    const html = renderHtmlReport(input);
    expect(tableRows(html, 'shm')).toEqual(expectedRows(input.snapshot.sites));
    expect(html).toContain('sites: 1 grew, 0 shrank, 0 new, 0 gone, 45 unchanged.');
    expect(html).toMatch(/<table class="diff" data-list="grown">[\s\S]*?htable: ht_api\.c: ht_cell_new\(186\)[\s\S]*?title="\+60000 B">\+58\.6 KiB<\/span>[\s\S]*?\+500/);
    expect(html).toContain(`<div class="card" data-field="free"><div class="k">free</div><div class="v"><span title="${input.snapshot.heap.free} B">${sizeText(input.snapshot.heap.free ?? 0)}</span>`);
    expect(html).toContain(`This snapshot has no fragments. For the heap map, walk with --fragments: kamheap walk ${input.snapshot.target.pid} --heap shm --fragments`);
    // Each treemap site rectangle carries its site's numbers.
    for (const s of input.snapshot.sites) expect(html).toContain(`data-bytes="${s.bytes}" data-count="${s.count}"><title>${siteString(s)}\n`);
  });

  it('a walk --all snapshot (NDJSON): a heap selector and a section per heap, each table equal to its sites', async () => {
    const input = await collectReport(fixture('report/walk-all.ndjson'), undefined);
    const s = input.snapshot;
    const html = renderHtmlReport(input);
    const options = [...html.matchAll(/<option value="([^"]+)">/g)].map((m) => m[1]);
    expect(options).toEqual(['shm', 'pkg-all', ...(s.processes ?? []).map((p) => `pid-${p.pid}`)]);
    expect(tableRows(html, 'shm')).toEqual(expectedRows(s.sites));
    expect(tableRows(html, 'pkg-all')).toEqual(expectedRows(s.pkgAggregate?.sites ?? []));
    for (const p of s.processes ?? []) expect(tableRows(html, `pid-${p.pid}`)).toEqual(expectedRows(p.sites ?? []));
    expect(html).toContain(`pkg heaps of all ${s.pkgAggregate?.processes} processes`);
  });

  it('a --fragments NDJSON pkg walk: the heap map, read from the file line by line', async () => {
    const input = await collectReport(fixture('report/pkg-timer-fragments.ndjson'), undefined);
    expect(input.heapMap?.fragments).toBe(input.snapshot.walk.fragmentsWalked);
    const html = renderHtmlReport(input);
    expect(html).toContain(`${input.snapshot.walk.fragmentsWalked} fragments; each cell 512 B, each row 128 KiB`);
    expect(html).not.toContain('has no fragments');
    expect(html.match(/data-holder="core"/g)?.length).toBeGreaterThan(3);
    expect(html).toContain('data-holder="free"');
    // The free tail of the heap (7 MiB of its 7.8) is one band, not 56 grey rows.
    expect(html).toMatch(/>\d+ rows \(\d+(\.\d+)? [KM]iB\) all free</);
  });

  it('a JSON snapshot with its fragments inline gives the same map as the NDJSON one', async () => {
    const input = await collectReport(fixture('report/pkg-timer-fragments.ndjson'), undefined);
    const { heapMap, ...withoutMap } = input;
    expect(heapMap).toBeDefined();
    const inline = renderHtmlReport({ ...withoutMap, snapshot: { ...input.snapshot, fragments: ndjsonFragments('report/pkg-timer-fragments.ndjson') }, generatedAt: new Date(0) });
    expect(inline).toBe(renderHtmlReport({ ...input, generatedAt: new Date(0) }));
  });

  it('a watch directory: free, real used and used over the samples, and the site that grew', async () => {
    const input = await collectReport(fixture('report/watch/snapshot-004.json'), fixture('report/watch'));
    expect(input.samples).toHaveLength(4);
    const html = renderHtmlReport(input);
    const first = await readSnapshot(fixture('report/watch/snapshot-001.json'));
    const last = input.snapshot;
    const cell = (s: AnySnapshot): number => s.sites.find((x) => x.function === 'ht_cell_new')?.bytes ?? 0;
    expect(html).toContain('<p>4 samples.</p>');
    expect(html).toMatch(new RegExp(`<div class="spark-title" title="htable: ht_api.c: ht_cell_new\\(186\\)">[^<]*</div><svg[\\s\\S]*?</svg><div class="spark-note"><span title="${cell(first)} B">[^<]*</span> → <span title="${cell(last)} B">`));
    expect(html).toMatch(new RegExp(`<div class="spark-title">free</div><svg[\\s\\S]*?</svg><div class="spark-note"><span title="${first.heap.free} B">[^<]*</span> → <span title="${last.heap.free} B">`));
  });

  it('stays a bounded file for a heap of a million fragments whose every neighbour differs', async () => {
    const snapshot = await readSnapshot(fixture('snapshots/shm-before.json'));
    const start = 0x7f0000000000n;
    const binner = new HeapMapBinner(start, start + 64n * 1_000_000n);
    for (let i = 0n; i < 1_000_000n; i++) binner.add({ frag: start + i * 64n, end: start + i * 64n + 64n, used: i % 5n !== 0n, module: `m${i % 7n}` });
    const html = renderHtmlReport({ snapshot, heapMap: binner.result() });
    expect(html.match(/data-holder=/g)?.length).toBeLessThanOrEqual(maxCells);
    expect(html.length).toBeLessThan(4 << 20);
  });
});
