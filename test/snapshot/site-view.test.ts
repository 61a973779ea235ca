// The view model on real captured snapshots (test/fixtures/snapshots: walks of Debian 12's Kamailio).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../src/snapshot/diff.js';
import { defaultViewQuery, diffView, groupName, siteView, snapshotSiteView, type ViewQuery } from '../../src/snapshot/site-view.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const fixture = (name: string): Snapshot => JSON.parse(readFileSync(new URL(`../fixtures/snapshots/${name}`, import.meta.url), 'utf8')) as Snapshot;
const after = fixture('shm-after.json');
const before = fixture('shm-before.json');
const query = (q: Partial<ViewQuery>): ViewQuery => ({ ...defaultViewQuery, ...q });

describe('siteView', () => {
  it('by site: one row per site, largest first, shares of the used bytes walked, no overhead when the snapshot has none', () => {
    const view = snapshotSiteView(after, defaultViewQuery);
    expect(view.rows).toHaveLength(after.sites.length);
    expect(view.rows[0]).toEqual({ name: 'htable: ht_api.c: ht_cell_new(186)', module: 'htable', sites: 1, count: 30500, bytes: 3659208, share: 3659208 / 4559152, overhead: null });
    expect(view.total).toMatchObject({ count: after.totals.used.count, bytes: after.totals.used.bytes, share: 1, overhead: null });
  });

  it('by module: the sums of the sites of each module, which add up to the whole', () => {
    const view = snapshotSiteView(after, query({ by: 'module' }));
    const htable = after.sites.filter((s) => s.module === 'htable');
    expect(view.rows[0]).toMatchObject({ name: 'htable', sites: htable.length, count: htable.reduce((n, s) => n + s.count, 0), bytes: htable.reduce((n, s) => n + s.bytes, 0) });
    expect(view.rows.reduce((n, r) => n + r.bytes, 0)).toBe(after.totals.used.bytes);
    expect(new Set(view.rows.map((r) => r.name))).toEqual(new Set(after.sites.map((s) => s.module)));
  });

  it.each<[ViewQuery['by'], string]>([
    ['site', 'core: core/timer.c: init_timer(210)'],
    ['function', 'core: core/timer.c: init_timer'],
    ['file', 'core: core/timer.c'],
    ['module', 'core'],
  ])('names a group by %s: %s', (by, name) => {
    const site = after.sites.find((s) => s.function === 'init_timer' && s.line === 210);
    expect(site && groupName(site, by)).toBe(name);
  });

  it('overhead: count x the per-fragment overhead recorded in the snapshot (q_malloc 56 + 48 bytes)', () => {
    const view = snapshotSiteView({ ...after, heap: { ...after.heap, fragmentOverhead: 104 } }, defaultViewQuery);
    expect(view.rows[0]?.overhead).toBe(30500 * 104);
    expect(view.total.overhead).toBe(after.totals.used.count * 104);
  });

  it('filters by --module and --match (a part of the site string), sums only what is kept', () => {
    const timer = snapshotSiteView(after, query({ module: 'core', match: 'timer.c' }));
    expect(timer.rows.map((r) => r.name).every((n) => n.startsWith('core: core/timer.c: '))).toBe(true);
    expect(timer.rows.length).toBeGreaterThan(1);
    expect(timer.total.bytes).toBe(after.sites.filter((s) => s.file === 'core: core/timer.c').reduce((n, s) => n + s.bytes, 0));
    expect(snapshotSiteView(after, query({ module: 'nosuch' })).rows).toEqual([]);
    expect(timer.allSites).toBe(after.sites.length);
  });

  it.each<[ViewQuery['sort'], (a: { bytes: number; count: number; name: string }, b: { bytes: number; count: number; name: string }) => boolean]>([
    ['bytes', (a, b) => a.bytes >= b.bytes],
    ['count', (a, b) => a.count >= b.count],
    ['name', (a, b) => a.name.localeCompare(b.name) <= 0],
  ])('sorts by %s', (sort, ordered) => {
    const rows = snapshotSiteView(after, query({ sort })).rows;
    rows.slice(1).forEach((row, i) => expect(ordered(rows[i] ?? row, row)).toBe(true));
  });

  it('gives no share when nothing was used', () => {
    expect(siteView([], 0, 8, defaultViewQuery).total).toEqual({ sites: 0, count: 0, bytes: 0, share: 0, overhead: 0 });
  });
});

describe('diffView', () => {
  it('by site: the diff as it is, most growth first', () => {
    const diff = diffSnapshots(before, after);
    const rows = diffView(diff.sites, defaultViewQuery);
    expect(rows[0]).toMatchObject({ name: 'htable: ht_api.c: ht_cell_new(186)', status: 'grew', bytesDelta: 60000, countDelta: 500 });
    expect(rows).toHaveLength(diff.sites.length);
  });

  it('by module: grouped changes, with a status of their own', () => {
    const rows = diffView(diffSnapshots(before, after).sites, query({ by: 'module' }));
    expect(rows[0]).toMatchObject({ name: 'htable', status: 'grew', bytesDelta: 60000, countDelta: 500, bytesAfter: 4183816, countAfter: 30502 });
    expect(rows.slice(1).every((r) => r.status === 'unchanged')).toBe(true);
    const gone = diffView(diffSnapshots(after, { ...before, sites: before.sites.filter((s) => s.module !== 'sl') }).sites, query({ by: 'module' }));
    expect(gone.find((r) => r.name === 'sl')).toMatchObject({ status: 'vanished', countAfter: 0 });
  });
});
