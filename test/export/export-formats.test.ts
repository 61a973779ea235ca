// csv, folded and pprof of real snapshots (test/fixtures/snapshots: a pkg walk, two shm walks 500
// htable cells apart, a `walk --all` of 6 processes, an shm walk of a build without debug fields):
// every site is there once with its exact numbers, read back from the written text or profile.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffCsv, snapshotCsv } from '../../src/export/csv-views.js';
import { foldedStacks } from '../../src/export/folded-stacks.js';
import { diffPprof, snapshotPprof } from '../../src/export/pprof-views.js';
import { diffSnapshots } from '../../src/snapshot/diff.js';
import { siteString } from '../../src/snapshot/site-string.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { decodePprof } from '../helpers/pprof-decode.js';

function fixture(name: string): AnySnapshot {
  return JSON.parse(readFileSync(new URL(`../fixtures/snapshots/${name}`, import.meta.url), 'utf8')) as AnySnapshot;
}

const pkg = fixture('pkg.json');
const all = fixture('all.json');
const nodebug = fixture('shm-nodebug.json');
const before = fixture('shm-before.json');
const after = fixture('shm-after.json');

/** Every heap's sites of a snapshot as [heap, pid, site string, count, bytes]. */
function expectedRows(s: AnySnapshot): Array<[string, number, string, number, number]> {
  const rows = s.sites.map((site): [string, number, string, number, number] => [s.heap.kind, s.target.pid, siteString(site), site.count, site.bytes]);
  for (const p of s.processes ?? []) for (const site of p.sites ?? []) rows.push(['pkg', p.pid, siteString(site), site.count, site.bytes]);
  return rows;
}

/** A CSV without quoted commas or newlines in it, as rows of cells. */
function csvRows(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.slice(0, -2).split('\r\n').map((line) => line.split(','));
}

describe('snapshotCsv', () => {
  it('a pkg walk: one row per site, module and file in columns of their own, the site as text views print it', () => {
    const [header, ...rows] = csvRows(snapshotCsv(pkg));
    expect(header).toEqual(['heap', 'pid', 'role', 'module', 'file', 'function', 'line', 'site', 'count', 'bytes', 'size_class']);
    expect(rows).toHaveLength(pkg.sites.length);
    expect(rows.map((r) => [r[0], Number(r[1]), r[7], Number(r[8]), Number(r[9])])).toEqual(expectedRows(pkg));
    const first = pkg.sites[0];
    expect(rows[0]?.slice(3, 7)).toEqual([first?.module, first?.file.replace(`${first?.module}: `, ''), first?.function, String(first?.line)]);
  });

  it('walk --all: the shm sites, then each process its pkg sites with pid and role', () => {
    const rows = csvRows(snapshotCsv(all)).slice(1);
    expect(rows.map((r) => [r[0], Number(r[1]), r[7], Number(r[8]), Number(r[9])])).toEqual(expectedRows(all));
    const roles = new Set(rows.filter((r) => r[0] === 'pkg').map((r) => `${r[1]} ${r[2]}`));
    expect([...roles]).toEqual((all.processes ?? []).map((p) => `${p.pid} ${p.role}`));
    expect(rows.filter((r) => r[0] === 'shm').every((r) => r[2] === '')).toBe(true);
  });

  it('a build without debug fields: the size class, no module, file, function or line', () => {
    const rows = csvRows(snapshotCsv(nodebug)).slice(1);
    const first = nodebug.sites[0];
    expect(rows[0]).toEqual(['shm', String(nodebug.target.pid), '', '', '', '', '', `(no debug fields) size ${first?.sizeClass}`, String(first?.count), String(first?.bytes), String(first?.sizeClass)]);
    expect(rows.reduce((n, r) => n + Number(r[9]), 0)).toBe(nodebug.totals.used.bytes);
  });

  it('guards text from the target against formulas, and quotes what needs it', () => {
    const site = { module: 'evil', file: 'evil: =cmd|x', function: '@run,now', line: 1, count: 1, bytes: 8 };
    const line = snapshotCsv({ ...pkg, sites: [site], processes: undefined }).split('\r\n')[1];
    expect(line).toBe(`pkg,${pkg.target.pid},,evil,'=cmd|x,"'@run,now",1,"evil: =cmd|x: @run,now(1)",1,8,`);
  });
});

describe('diffCsv', () => {
  it('every site with before, after and delta; the grown htable site first', () => {
    const diff = diffSnapshots(before, after);
    const [header, ...rows] = csvRows(diffCsv(diff));
    expect(header).toEqual(['heap', 'pid', 'role', 'status', 'module', 'file', 'function', 'line', 'site', 'count_before', 'count_after', 'count_delta', 'bytes_before', 'bytes_after', 'bytes_delta', 'size_class']);
    expect(rows).toHaveLength(diff.sites.length);
    expect(rows[0]).toEqual(['shm', '3139', '', 'grew', 'htable', 'ht_api.c', 'ht_cell_new', '186', 'htable: ht_api.c: ht_cell_new(186)', '30000', '30500', '500', '3599208', '3659208', '60000', '']);
    expect(rows.slice(1).every((r) => r[3] === 'unchanged')).toBe(true);
  });
});

describe('foldedStacks', () => {
  it('module;file;function(line) bytes, one line per site', () => {
    const lines = foldedStacks(pkg).trimEnd().split('\n');
    expect(lines).toHaveLength(pkg.sites.length);
    const site = pkg.sites[0];
    expect(lines[0]).toBe(`${site?.module};${site?.file.replace(`${site?.module}: `, '')};${site?.function}(${site?.line}) ${site?.bytes}`);
    expect(lines.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0)).toBe(pkg.totals.used.bytes);
  });

  it('walk --all: each stack starts with its heap (and the process), so one graph holds them all', () => {
    const lines = foldedStacks(all).trimEnd().split('\n');
    expect(lines).toHaveLength(expectedRows(all).length);
    expect(lines.filter((l) => l.startsWith('shm;'))).toHaveLength(all.sites.length);
    for (const p of all.processes ?? []) expect(lines.filter((l) => l.startsWith(`pkg ${p.pid} ${p.role};`))).toHaveLength(p.sites?.length ?? -1);
  });

  it("a name's ';' and newline cannot split a frame or a line", () => {
    const site = { module: 'm', file: 'm: a;b.c', function: 'f\nx', line: 3, count: 1, bytes: 8 };
    expect(foldedStacks({ ...pkg, sites: [site], processes: undefined })).toBe('m;a:b.c;f\\x0ax(3) 8\n');
  });

  it('a build without debug fields: one frame, the size class', () => {
    expect(foldedStacks(nodebug).split('\n')[0]).toBe(`(no debug fields) size ${nodebug.sites[0]?.sizeClass} ${nodebug.sites[0]?.bytes}`);
  });
});

describe('snapshotPprof', () => {
  it('one sample per site: inuse_objects and inuse_space, stack FILE: FUNCTION -> FILE -> MODULE, labels heap and pid', () => {
    const profile = decodePprof(snapshotPprof(pkg));
    expect(profile.sampleTypes).toEqual(['inuse_objects/count', 'inuse_space/bytes']);
    expect(profile.defaultType).toBe('inuse_space');
    expect(profile.samples).toHaveLength(pkg.sites.length);
    profile.samples.forEach((sample, i) => {
      const site = pkg.sites[i];
      if (!site) throw new Error('no site');
      const file = site.file.startsWith(`${site.module}: `) ? site.file : `${site.module}: ${site.file}`;
      expect(sample).toEqual({ stack: [`${file}: ${site.function}`, file, site.module], line: site.line, count: site.count, bytes: site.bytes, labels: { heap: 'pkg', pid: pkg.target.pid } });
    });
  });

  it('walk --all: one sample set per process, labelled with its pid and role; the pkg sum left out', () => {
    const profile = decodePprof(snapshotPprof(all));
    expect(profile.samples.map((s) => [s.labels.heap, s.labels.pid, s.count, s.bytes])).toEqual(expectedRows(all).map(([heap, pid, , count, bytes]) => [heap, pid, count, bytes]));
    for (const p of all.processes ?? []) {
      const mine = profile.samples.filter((s) => s.labels.heap === 'pkg' && s.labels.pid === p.pid);
      expect(mine.every((s) => s.labels.role === p.role)).toBe(true);
      expect(mine.reduce((n, s) => n + s.bytes, 0)).toBe(p.totals?.used.bytes);
    }
  });

  it('a build without debug fields: the size class as the only frame', () => {
    const profile = decodePprof(snapshotPprof(nodebug));
    expect(profile.samples.map((s) => [s.stack, s.bytes])).toEqual(nodebug.sites.map((s) => [[`(no debug fields) size ${s.sizeClass}`], s.bytes]));
  });
});

describe('diffPprof', () => {
  it('after minus before per changed site: the htable growth alone', () => {
    const profile = decodePprof(diffPprof(diffSnapshots(before, after)));
    expect(profile.samples).toEqual([{ stack: ['htable: ht_api.c: ht_cell_new', 'htable: ht_api.c', 'htable'], line: 186, count: 500, bytes: 60000, labels: { heap: 'shm', pid: 3139 } }]);
  });

  it('a shrinking site is a negative sample', () => {
    const profile = decodePprof(diffPprof(diffSnapshots(after, before)));
    expect(profile.samples.map((s) => [s.count, s.bytes])).toEqual([[-500, -60000]]);
  });
});
