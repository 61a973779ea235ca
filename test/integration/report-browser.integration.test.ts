// `kamheap report` of a real walk, loaded in a real browser (Debian's Chromium, headless): the
// page's tables hold the snapshot's sites and numbers, which equal Kamailio's own corex.shm_summary;
// the search box filters, the headers sort, the heap selector switches heaps; no console error, no
// request but the file itself; the screenshot is not blank. KAMHEAP_REPORT_SCREENSHOT=FILE keeps it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runSipp, shmSummary, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { sizeText } from '../../src/export/size-text.js';
import { siteString } from '../../src/snapshot/site-string.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { openHeadlessPage, type HeadlessPage } from '../helpers/headless-chromium.js';
import { decodePng, pixelStats } from '../helpers/png-pixels.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';
import { snapshotSiteTotals, sumsSiteTotals } from './heap-compare.js';

let kamailio: KamailioInstance;
let dir: string;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 120, rate: 200, fill: 2 });
  await runSipp(kamailio, { scenario: 'options', calls: 80, rate: 200 });
  dir = mkdtempSync(join(tmpdir(), 'kamheap-report-browser-'));
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
  rmSync(dir, { recursive: true, force: true });
});

/** A CLI walk written as NDJSON; returns the file and the snapshot (its first line). */
async function walkToFile(name: string, args: string[]): Promise<{ file: string; snapshot: Snapshot }> {
  const file = join(dir, name);
  const result = await runCli(['walk', String(kamailio.pid), ...args, '--format', 'ndjson', '--json', file]);
  expect(result.exitCode, result.stderr).toBe(0);
  return { file, snapshot: JSON.parse(readFileSync(file, 'utf8').split('\n')[0] ?? '') as Snapshot };
}

/** A --fragments shm walk taken around Kamailio's own summary, so both describe the same heap. */
async function walkWithOracle(): Promise<{ file: string; snapshot: Snapshot; oracle: Map<string, string> }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const walked = await walkToFile(`shm-${attempt}.ndjson`, ['--heap', 'shm', '--fragments']);
    const oracle = sumsSiteTotals(await shmSummary(kamailio));
    const again = await walkToFile(`shm-${attempt}-again.ndjson`, ['--heap', 'shm']);
    if (JSON.stringify(again.snapshot.sites) === JSON.stringify(walked.snapshot.sites)) return { ...walked, oracle };
  }
  throw new Error('the shm heap kept changing around corex.shm_summary');
}

/** Writes the report of `args` and returns its file. */
async function report(name: string, args: string[]): Promise<string> {
  const out = join(dir, name);
  const result = await runCli(['report', ...args, '-o', out]);
  expect(result, result.stderr).toMatchObject({ exitCode: 0, stdout: '' });
  return out;
}

/** The rows of a heap's sites table as the page shows them: site text, count, exact bytes, size text; visible ones only. */
function visibleRows(view: HeadlessPage, heap: string): Promise<Array<{ site: string; count: number; bytes: number; size: string }>> {
  return view.page.$$eval(`table.sites[data-heap="${heap}"] tbody tr`, (trs) =>
    trs
      .filter((tr) => !tr.hasAttribute('hidden'))
      .map((tr) => {
        const cells = tr.querySelectorAll('td');
        return { site: cells[1]?.textContent ?? '', count: Number(cells[3]?.textContent), bytes: Number(cells[4]?.getAttribute('data-bytes')), size: cells[4]?.textContent ?? '' };
      }),
  );
}

it('shows a real shm walk with the sites and numbers of corex.shm_summary, filters, sorts, and draws something', async () => {
  const { file, snapshot, oracle } = await walkWithOracle();
  // The snapshot is Kamailio's own account (as the shm walk tests hold), so the page can be checked against either.
  expect(snapshotSiteTotals(snapshot)).toEqual(oracle);
  const page = await report('shm.html', [file]);
  const url = pathToFileURL(page).href;
  const view = await openHeadlessPage();
  try {
    await view.page.goto(url, { waitUntil: 'load' });
    const rows = await visibleRows(view, 'shm');
    expect(rows).toEqual(snapshot.sites.map((s) => ({ site: siteString(s), count: s.count, bytes: s.bytes, size: sizeText(s.bytes) })));
    // The same numbers, keyed as qm_sums prints them, are Kamailio's.
    const byText = new Map<string, string>();
    snapshot.sites.forEach((s, i) => byText.set(`${s.file}: ${s.function}(${s.line})`, `count=${rows[i]?.count} bytes=${rows[i]?.bytes}`));
    expect(new Map([...byText].sort(([a], [b]) => a.localeCompare(b)))).toEqual(oracle);

    expect(await view.page.getAttribute('[data-field="free"] .v span', 'title')).toBe(`${snapshot.heap.free} B`);
    expect(await view.page.textContent('[data-field="used fragments"] .v')).toBe(String(snapshot.totals.used.count));
    expect(await view.page.locator('svg rect.tm-site').count()).toBe(snapshot.sites.filter((s) => s.bytes > 0).length);
    expect(await view.page.textContent('figure.heapmap figcaption')).toContain(`${snapshot.walk.fragmentsWalked} fragments`);
    expect(await view.page.locator('figure.heapmap rect[data-holder="free"]').count()).toBeGreaterThan(0);

    // The search box keeps the rows whose site or module holds the text.
    await view.page.fill('input.site-search', 'HT_API');
    const filtered = await visibleRows(view, 'shm');
    const matching = snapshot.sites.filter((s) => `${siteString(s)} ${s.module}`.toLowerCase().includes('ht_api'));
    expect(filtered.map((r) => r.site)).toEqual(matching.map(siteString));
    expect(matching.length).toBeGreaterThan(1);
    expect(matching.length).toBeLessThan(snapshot.sites.length);
    expect(await view.page.textContent('span.shown')).toBe(`${matching.length} of ${snapshot.sites.length} sites`);
    await view.page.fill('input.site-search', '');
    expect(await visibleRows(view, 'shm')).toHaveLength(snapshot.sites.length);

    // A header sorts largest first, then reversed.
    await view.page.click('table.sites th[data-sort="count"]');
    const byCount = (await visibleRows(view, 'shm')).map((r) => r.count);
    expect(byCount).toEqual([...snapshot.sites.map((s) => s.count)].sort((a, b) => b - a));
    await view.page.click('table.sites th[data-sort="count"]');
    expect((await visibleRows(view, 'shm')).map((r) => r.count)).toEqual([...byCount].reverse());

    const png = await view.page.screenshot({ fullPage: false });
    const stats = pixelStats(decodePng(png));
    expect(stats.variance).toBeGreaterThan(200);
    expect(stats.colors).toBeGreaterThan(50);
    // Not just the page's frame: the treemap itself is drawn, in several module colours.
    const treemap = pixelStats(decodePng(await view.page.locator('figure.treemap svg').screenshot()));
    expect(treemap.variance).toBeGreaterThan(100);
    expect(treemap.colors).toBeGreaterThan(20);
    expect(view.errors).toEqual([]);
    expect(view.requests).toEqual([url]);
    const keep = process.env['KAMHEAP_REPORT_SCREENSHOT'];
    if (keep) {
      // As first opened, tall enough for the summary, the treemap and the heap map (the README's picture).
      await view.page.setViewportSize({ width: 1280, height: 1300 });
      await view.page.goto(url, { waitUntil: 'load' });
      await view.page.screenshot({ path: keep, fullPage: false });
    }
  } finally {
    await view.close();
  }
});

it('switches between the heaps of a walk --all snapshot with the heap selector', async () => {
  const { file, snapshot } = await walkToFile('all.ndjson', ['--all']);
  const page = await report('all.html', [file]);
  const view = await openHeadlessPage();
  try {
    await view.page.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    const visible = (): Promise<string[]> => view.page.$$eval('section.heap', (s) => s.filter((e) => !e.hasAttribute('hidden')).map((e) => e.getAttribute('data-heap') ?? ''));
    expect(await visible()).toEqual(['shm']);
    const timer = snapshot.processes?.find((p) => p.role === 'timer');
    if (!timer?.sites) throw new Error('no timer process in the --all snapshot');
    await view.page.selectOption('#heap-select', `pid-${timer.pid}`);
    expect(await visible()).toEqual([`pid-${timer.pid}`]);
    expect(await visibleRows(view, `pid-${timer.pid}`)).toEqual(timer.sites.map((s) => ({ site: siteString(s), count: s.count, bytes: s.bytes, size: sizeText(s.bytes) })));
    expect(await view.page.textContent(`section[data-heap="pid-${timer.pid}"] h2`)).toBe(`pkg heap of PID ${timer.pid}: timer`);
    expect(view.errors).toEqual([]);
  } finally {
    await view.close();
  }
});
