// parse-log's mapping on real captures: syslog and journal files (test/fixtures/kamailio-log/, see
// its README) and Kamailio's own stderr log (test/fixtures/kamailio/).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectDumpBlocks } from '../../src/kamailio-log/dump-blocks.js';
import { logDumpSnapshot, moduleOfFile, type LogSource } from '../../src/kamailio-log/dump-snapshot.js';
import { groupDumps } from '../../src/kamailio-log/log-dumps.js';
import { diffSnapshots } from '../../src/snapshot/diff.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { analyzeTrend } from '../../src/snapshot/trend.js';
import { logSnapshotValidator } from './log-snapshot-schema.js';

// The captures were made in November 2026; a reference just after them gives classic stamps their year.
const reference = new Date(2026, 10, 26, 12);
const schemaErrors = logSnapshotValidator();

function lines(path: string): string[] {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8').split('\n');
}

/** The snapshots parse-log makes of these lines (fragments included). */
function snapshots(text: string[], file = 'test.log'): AnySnapshot[] {
  const source: LogSource = { file, reference, referenceFrom: 'file' };
  return groupDumps(collectDumpBlocks(text), reference).map((d) => logDumpSnapshot(d, source, { includeFragments: true }));
}

const heapOf = (s: AnySnapshot | undefined): unknown => s && { size: s.heap.size, used: s.heap.used, realUsed: s.heap.realUsed, maxRealUsed: s.heap.maxRealUsed, free: s.heap.free };
const siteBytes = (s: AnySnapshot | undefined): number => (s?.sites ?? []).reduce((n, x) => n + x.bytes, 0);
const localIso = (h: number, m: number, sec: number, ms = 0): string => new Date(2026, 10, 25, h, m, sec, ms).toISOString();

describe('rsyslog, Debian 12 default format (rsyslog-iso.txt): q_malloc, f_malloc and TLSF instances', () => {
  const all = snapshots(lines('kamailio-log/rsyslog-iso.txt'));

  it('finds every dump, one per process and heap, each status dump joined by the sums right after it', () => {
    expect(all.map((s) => `${s.target.pid} ${s.heap.kind} ${s.heap.allocator} ${s.log?.parts}`)).toEqual([
      '10464 shm q_malloc status+sums', '10462 pkg q_malloc status+sums', '10459 pkg q_malloc status+sums', '10459 pkg q_malloc status+sums',
      '10464 shm q_malloc status+sums', '10600 shm f_malloc status+sums', '10598 pkg f_malloc status+sums',
      '10667 shm tlsf_malloc status+sums', '10665 pkg tlsf_malloc status+sums',
    ]);
    for (const s of all) expect(s.log).toMatchObject({ format: 'syslog-iso', host: 'vm', timeFrom: 'log' });
    expect(all.map((s) => s.createdAt).slice(0, 2)).toEqual(['2026-11-25T00:48:00.366Z', '2026-11-25T00:48:03.477Z']);
  });

  it("takes the heap totals from the status dump's header lines", () => {
    expect(all.map(heapOf)).toEqual([
      { size: 67108864, used: 3096664, realUsed: 3363016, maxRealUsed: 3363016, free: 63745848 },
      { size: 8388608, used: 512440, realUsed: 832352, maxRealUsed: 835384, free: 7556256 },
      { size: 8388608, used: 512824, realUsed: 833152, maxRealUsed: 839912, free: 7555456 },
      { size: 8388608, used: 512824, realUsed: 833152, maxRealUsed: 839912, free: 7555456 },
      { size: 67108864, used: 3115128, realUsed: 3404568, maxRealUsed: 3404568, free: 63704296 },
      { size: 67108864, used: 3019304, realUsed: 3064088, maxRealUsed: 3064088, free: 64044776 },
      { size: 8388608, used: 512272, realUsed: 605152, maxRealUsed: 608672, free: 7783456 },
      { size: 67108784, used: 3022776, realUsed: 3039560, maxRealUsed: 3039560, free: 64069224 },
      { size: 8388528, used: 514904, realUsed: 568760, maxRealUsed: 572192, free: 7819768 },
    ]);
    expect(all.map((s) => s.heap.block)).toEqual([
      '0x7f3b77cea000', '0x7f3b7c14e010', '0x7f3b7c14e010', '0x7f3b7c14e010', '0x7f3b77cea000',
      '0x7f3878a55000', '0x7f387ceb9010', '0x7f5542576000', '0x7f55469da010',
    ]);
  });

  it("sums the sites of a pkg dump (status and sums back to back) to exactly the header's used bytes, for all three allocators", () => {
    for (const s of all.filter((x) => x.heap.kind === 'pkg')) {
      expect(s.log?.sitesFrom).toBe('sums');
      expect(siteBytes(s)).toBe(s.heap.used);
      expect(s.totals.used.bytes).toBe(s.heap.used);
    }
  });

  it('counts, in the shm sums taken after mem_dump_shm, the config copy that cfg.set_now_int made after the dump', () => {
    for (const s of all.filter((x) => x.heap.kind === 'shm')) {
      expect(siteBytes(s) - (s.heap.used ?? 0)).toBe(728);
      expect(s.sites).toContainEqual(expect.objectContaining({ file: 'core: core/cfg/cfg_struct.c', function: 'cfg_clone_global', line: 626 }));
    }
  });

  it('derives the module from the file string', () => {
    const tm = all[0]?.sites.find((s) => s.function === 'init_hash_table');
    expect(tm).toEqual({ module: 'tm', file: 'tm: h_table.c', function: 'init_hash_table', line: 482, count: 1, bytes: 2097152 });
    expect(new Set(all[0]?.sites.map((s) => s.module))).toEqual(new Set(['core', 'tm', 'htable', 'usrloc', 'sl', 'kex']));
  });

  it('marks the trimmed q_malloc status dumps incomplete, with the bytes the cut took away', () => {
    const first = all[0];
    expect(first?.walk.complete).toBe(false);
    expect(first?.walk.fragmentsWalked).toBe(8);
    expect(first?.findings).toEqual([
      { kind: 'log-incomplete', index: 6, address: '0x0', message: 'fragment 6 is missing (free fragments are listed, so every index should be)' },
      { kind: 'log-incomplete', index: 8, address: '0x0', message: "the used fragments listed sum to 832 B, the dump's used= says 3096664 B: lines are missing" },
    ]);
    expect(first?.totals.free).toEqual({ count: 1, bytes: 63745848, largest: 63745848 });
  });

  it('keeps f_malloc and TLSF dumps complete: totals and sums, no fragments', () => {
    for (const s of all.slice(5)) {
      expect(s.walk).toMatchObject({ walker: 'log', complete: true, fragmentsWalked: 0 });
      expect(s.findings).toEqual([]);
      expect(s.totals.free).toBeNull();
      expect(s.fragments).toEqual([]);
    }
  });

  it('diffs the two shm dumps of the q_malloc instance around 20 REGISTERs (4 htable cells each)', () => {
    const diff = diffSnapshots(all[0] as AnySnapshot, all[4] as AnySnapshot);
    expect(diff.heap).toEqual({ freeBefore: 63745848, freeAfter: 63704296, freeDelta: -41552, usedDelta: 18464, realUsedDelta: 41552 });
    expect(diff.elapsedSeconds).toBeCloseTo(6.367, 3);
    // a cell's size follows its key (the Call-ID): 120 or 128 bytes here
    expect(diff.sites.find((s) => s.function === 'ht_cell_new')).toMatchObject({ status: 'grew', countDelta: 80, bytesDelta: 9816 });
    expect(diff.sites.find((s) => s.file === 'usrloc: ucontact.c')).toMatchObject({ status: 'grew', countDelta: 20 });
    expect(analyzeTrend([all[0] as AnySnapshot, all[4] as AnySnapshot]).free).toMatchObject({ first: 63745848, last: 63704296, delta: -41552 });
  });

  it('validates against the snapshot schema with the change proposed for parse-log', () => {
    for (const s of all) expect(schemaErrors(s)).toEqual([]);
  });
});

describe('the same run in the other rsyslog formats', () => {
  it('classic (rsyslog-classic.txt): stamps without a year, local time', () => {
    const all = snapshots(lines('kamailio-log/rsyslog-classic.txt'));
    expect(all.map((s) => `${s.target.pid} ${s.heap.kind}`)).toEqual(['10464 shm', '10462 pkg', '10459 pkg', '10459 pkg', '10464 shm']);
    expect(all.map((s) => s.createdAt)).toEqual([localIso(0, 48, 0), localIso(0, 48, 3), localIso(0, 48, 5), localIso(0, 48, 5), localIso(0, 48, 6)]);
    for (const s of all) expect(s.log).toMatchObject({ format: 'syslog', host: 'vm', timeFrom: 'log-without-year' });
    expect(heapOf(all[4])).toEqual({ size: 67108864, used: 3115128, realUsed: 3404568, maxRealUsed: 3404568, free: 63704296 });
  });

  it('RFC 5424 (rsyslog-rfc5424.txt): PROCID as the PID, also with APP-NAME "-"', () => {
    const all = snapshots(lines('kamailio-log/rsyslog-rfc5424.txt'));
    expect(all.map((s) => `${s.target.pid} ${s.heap.kind} ${s.heap.allocator}`)).toEqual([
      '10464 shm q_malloc', '10462 pkg q_malloc', '10459 pkg q_malloc', '10459 pkg q_malloc', '10464 shm q_malloc', '10600 shm f_malloc', '10598 pkg f_malloc',
    ]);
    expect(all[5]?.createdAt).toBe('2026-11-25T00:48:10.966Z');
    for (const s of all) expect(schemaErrors(s)).toEqual([]);
  });
});

describe('journald, read back with journalctl', () => {
  it('-o short (journal-short.txt): a shm and a pkg dump of two processes', () => {
    const [shm, pkg, ...rest] = snapshots(lines('kamailio-log/journal-short.txt'));
    expect(rest).toEqual([]);
    expect(shm).toMatchObject({ target: { pid: 9866 }, heap: { kind: 'shm', size: 67108864, used: 3030664, free: 63813928 }, createdAt: localIso(0, 47, 10) });
    expect(pkg).toMatchObject({ target: { pid: 9864 }, heap: { kind: 'pkg', size: 8388608, used: 512584 }, createdAt: localIso(0, 47, 13) });
    expect(siteBytes(pkg)).toBe(512584);
    expect(siteBytes(shm) - 3030664).toBe(728);
  });

  it('-o short-iso and -o short-precise (journal-short-iso.txt, journal-short-precise.txt): the same dumps, other stamps', () => {
    const iso = snapshots(lines('kamailio-log/journal-short-iso.txt'));
    expect(iso.map((s) => [s.target.pid, s.createdAt, s.log?.format, s.log?.timeFrom])).toEqual([
      [9866, '2026-11-25T00:47:10.000Z', 'syslog-iso', 'log'],
      [9864, '2026-11-25T00:47:13.000Z', 'syslog-iso', 'log'],
    ]);
    const precise = snapshots(lines('kamailio-log/journal-short-precise.txt'));
    expect(precise.map((s) => s.createdAt)).toEqual([localIso(0, 47, 10, 351), localIso(0, 47, 13, 583)]);
  });
});

describe("Kamailio's stderr log", () => {
  const status = lines('kamailio/shm-status.txt');
  const summary = lines('kamailio/shm-summary.txt');

  it('makes one complete snapshot of a full mem_dump_shm and the corex.shm_summary after it, sites from the fragments', () => {
    const [s, ...rest] = snapshots([...status, ...summary]);
    expect(rest).toEqual([]);
    expect(s?.walk).toMatchObject({ complete: true, fragmentsWalked: 300 });
    expect(s?.log).toMatchObject({ format: 'stderr', host: null, parts: 'status+sums', sitesFrom: 'fragments', timeFrom: 'file', firstLine: 2 });
    expect(s?.createdAt).toBe(reference.toISOString());
    expect(s?.totals).toEqual({ used: { count: 299, bytes: 3095928 }, free: { count: 1, bytes: 63746584, largest: 63746584 }, fragmentation: 0 });
    expect(s?.fragments?.[1]).toEqual({
      index: 1, address: '0x7f78a1b2d738', frag: '0x7f78a1b2d700', size: 320, used: true,
      module: 'htable', file: 'htable: ht_api.c', function: 'ht_add_table', line: 289,
    });
    expect(schemaErrors(s)).toEqual([]);
  });

  it('makes a snapshot without heap totals of a *_sums block alone, which diff still compares', () => {
    const [sums] = snapshots(summary);
    expect(sums?.heap).toMatchObject({ kind: 'shm', block: null, size: null, used: null, realUsed: null, maxRealUsed: null, free: null });
    expect(sums?.totals).toEqual({ used: { count: 300, bytes: 3096656 }, free: null, fragmentation: null });
    expect(sums?.log).toMatchObject({ parts: 'sums', sitesFrom: 'sums' });
    expect(schemaErrors(sums)).toEqual([]);
    const [full] = snapshots(status);
    const diff = diffSnapshots(full as AnySnapshot, sums as AnySnapshot);
    expect(diff.heap.freeDelta).toBeNull();
    expect(diff.sites.filter((x) => x.status !== 'unchanged').map((x) => `${x.function}(${x.line}) ${x.countDelta}`)).toEqual(['cfg_clone_global(626) 1']);
    expect(analyzeTrend([full as AnySnapshot, sums as AnySnapshot]).free).toMatchObject({ first: 63746584, last: 63746584 });
  });

  it('pairs the shutdown dumps of seven processes with their own sums (shutdown.txt)', () => {
    const all = snapshots(lines('kamailio/shutdown.txt'));
    expect(all.map((s) => `${s.target.pid} ${s.heap.kind} ${s.log?.parts}`).sort()).toEqual([
      '3662 pkg status+sums', '3662 shm status+sums', '3664 pkg status+sums', '3665 pkg status+sums',
      '3666 pkg status+sums', '3667 pkg status+sums', '3668 pkg status+sums', '3669 pkg status+sums',
    ]);
  });

  it('keeps three stacked pkg dumps of one receiver apart (pkg-dump-receiver.txt)', () => {
    const all = snapshots(lines('kamailio/pkg-dump-receiver.txt'));
    expect(all.map((s) => `${s.target.pid} ${s.heap.kind} ${s.log?.parts}`)).toEqual(Array(3).fill('3664 pkg status+sums'));
  });
});

describe('moduleOfFile', () => {
  it.each([
    ['htable: ht_api.c', 'htable'],
    ['core: core/timer.c', 'core'],
    ['usrloc: ../../core/ut.h', 'usrloc'],
    ['<core>: counters.c', 'core'],
    ['timer.c', ''],
    ['', ''],
  ])('%j -> %j', (file, module) => {
    expect(moduleOfFile(file)).toBe(module);
  });
});

describe('a pkg dump of a build without the memory debug fields', () => {
  // Lines of a live timer's pkg dump on the MEMDBG=0 source build (trimmed), as in test/testbed/dump-blocks.test.ts.
  const dump = [
    ' 4(8450) ALERT: <core> [core/pt.c:551]: mem_dump_pkg_cb(): Memory status (pkg) of process 8450:',
    ' 4(8450) ALERT: qm_status: qm_status(): (0x7f906fcdd010):',
    ' 4(8450) ALERT: qm_status: qm_status(): heap size= 8388608',
    ' 4(8450) ALERT: qm_status: qm_status(): used= 1280, used+overhead=585632, free=7802976',
    ' 4(8450) ALERT: qm_status: qm_status(): max used (+overhead)= 589184',
    " 4(8450) ALERT: qm_status: qm_status(): dumping all alloc'ed. fragments:",
    ' 4(8450) ALERT: qm_status: qm_status():      0. N  address=0x7f906fce7860 frag=0x7f906fce7850 size=1024 used=1',
    ' 4(8450) ALERT: qm_status: qm_status():      1. N  address=0x7f906fce7c80 frag=0x7f906fce7c70 size=256 used=1',
    ' 4(8450) ALERT: qm_status: qm_status():      2. A  address=0x7f906fd6ddc0 frag=0x7f906fd6ddb0 size=7795264 used=1',
    ' 4(8450) ALERT: qm_status: qm_status(): dumping free list stats :',
    ' 4(8450) ALERT: qm_status: qm_status(): -----------------------------',
    ' 4(8450) ALERT: <core> [core/pt.c:555]: mem_dump_pkg_cb(): Memory still-in-use summary (pkg) of process 8450:',
    ' 4(8450) WARNING: <core> [core/mem/q_malloc.c:1148]: qm_sums(): Enable DBG_QM_MALLOC for getting the status summary',
  ];

  it('groups used fragments by size class, as a walk of that build does, and invents no site', () => {
    const [snapshot] = snapshots(dump);
    expect(snapshot?.heap.debugFields).toBe(false);
    expect(snapshot?.sites).toEqual([
      { module: '', file: '', function: '', line: 0, sizeClass: '513-1024', count: 1, bytes: 1024 },
      { module: '', file: '', function: '', line: 0, sizeClass: '129-256', count: 1, bytes: 256 },
    ]);
  });
});
