// What inspect --site TEXT picks, on the sites of a real captured snapshot.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elideMiddle } from '../../src/export/text-fit.js';
import { matchSiteText, SiteSelector } from '../../src/snapshot/site-selector.js';
import { siteString } from '../../src/snapshot/site-string.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';

const snapshot = JSON.parse(readFileSync(new URL('../fixtures/snapshots/shm-after.json', import.meta.url), 'utf8')) as Snapshot;

/** A selector fed one fragment per site of the snapshot. */
function select(text: string): string[] {
  const selector = new SiteSelector<number>(text);
  snapshot.sites.forEach((s, i) => selector.add(s, s.bytes, i));
  return selector.resolve().map((c) => c.text);
}

describe('matchSiteText', () => {
  const site = 'core: core/dst_blocklist.c: init_dst_blocklist(437)';
  it.each<[string, 'exact' | 'part' | undefined]>([
    [site, 'exact'],
    [elideMiddle(site, 30), 'exact'],
    ['init_dst_blocklist', 'part'],
    ['dst_blocklist.c', 'part'],
    ['core: ', 'part'],
    ['core…(438)', undefined],
    ['tm: ', undefined],
  ])('%j is %s', (text, match) => {
    expect(matchSiteText(text, site)).toBe(match);
  });
});

describe('SiteSelector', () => {
  it('picks the one site a function name names', () => {
    expect(select('ht_cell_new')).toEqual(['htable: ht_api.c: ht_cell_new(186)']);
  });

  it('prefers the exact site string over the sites it is a part of', () => {
    const timer = snapshot.sites.find((s) => s.function === 'init_timer' && s.line === 210);
    expect(timer).toBeDefined();
    if (timer) expect(select(siteString(timer))).toEqual([siteString(timer)]);
  });

  it('gives every site of a module when TEXT is the module', () => {
    expect(select('htable: ').sort()).toEqual(snapshot.sites.filter((s) => s.module === 'htable').map(siteString).sort());
  });

  it('counts what it does not keep', () => {
    const selector = new SiteSelector<number>('ht_cell_new', false);
    const site = snapshot.sites[0];
    if (site) selector.add(site, 120, 1);
    expect(selector.resolve()[0]).toMatchObject({ count: 1, bytes: 120, fragments: [] });
    expect(select('nothing like it')).toEqual([]);
  });
});
