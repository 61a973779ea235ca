// Kamailio 6.0.1's dump lines through the same parsers as 5.6.3's: Debian 13's package (q_malloc,
// f_malloc, TLSF) and the MEMDBG=0 source build, captured live (test/fixtures/kamailio-6.0/README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectDumpBlocks, type DumpBlock, type StatusBlock, type SumsBlock } from '../../src/kamailio-log/dump-blocks.js';
import { logDumpSnapshot, type LogSource } from '../../src/kamailio-log/dump-snapshot.js';
import { groupDumps } from '../../src/kamailio-log/log-dumps.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { parsePsx } from '../../testbed/kamcmd.js';

/** q_malloc on 6.0.1 x86-64 with the debug fields: qm_frag (reserved1 added), qm_frag_end, qm_block. */
const QM_FRAG = 64n;
const QM_FRAG_END = 48n;
/** 2098 hash slots of 128-byte qm_frag_lnk plus the 64-byte header (5.6.3: 235152). */
const QM_BLOCK = 268608n;
/** Without the debug fields: size and the free link, both ends (as in 5.6.3). */
const QM_NODEBUG_FRAG = 16n;

function fixture(name: string): string[] {
  return readFileSync(new URL(`../fixtures/kamailio-6.0/${name}`, import.meta.url), 'utf8').split('\n');
}

// Kind, pid and header of each block, in the order they complete.
function shapes(blocks: DumpBlock[]): string[] {
  return blocks.map((b) => `${b.kind}:${b.pid}:${b.header?.what ?? '-'}:${b.header?.pid ?? '-'}`);
}

const siteKey = (s: { file: string; func: string; line: number }): string => `${s.file}: ${s.func}(${s.line})`;

/** The snapshots parse-log makes of these lines. */
function snapshots(lines: string[]): AnySnapshot[] {
  const reference = new Date(2026, 11, 1, 19);
  const source: LogSource = { file: 'kamailio.log', reference, referenceFrom: 'file' };
  return groupDumps(collectDumpBlocks(lines), reference).map((d) => logDumpSnapshot(d, source, { includeFragments: false }));
}

describe('q_malloc (qm-dumps.txt): mem_dump_shm, corex.shm_summary, the timer\'s pkg dump (trimmed)', () => {
  const blocks = collectDumpBlocks(fixture('qm-dumps.txt'));
  const shm = blocks[0] as StatusBlock;

  it('gives the four blocks, each with its own header, in order', () => {
    expect(shapes(blocks)).toEqual([
      'status:9838:shm-status:-', 'sums:9838:-:-', 'status:9836:pkg-status:9836', 'sums:9836:pkg-sums:9836',
    ]);
  });

  it('reads the shm totals and every fragment with its origin', () => {
    expect(shm.heap).toEqual({ size: 67108864n, used: 3099952n, realUsed: 3402496n, maxRealUsed: 3402496n, free: 63706368n });
    expect(shm.fragments.map((f) => f.index)).toEqual([...Array(303).keys()]);
    expect(shm).toMatchObject({ sites: true, ended: true, checks: [] });
    expect(shm.fragments[1]).toMatchObject({ size: 320n, free: false, file: 'htable: ht_api.c', func: 'ht_add_table', line: 282 });
    expect(shm.fragments.filter((f) => f.free)).toEqual([
      expect.objectContaining({ index: 302, size: 63706368n, file: 'tm: t_reply.c', func: 'fragm. from qm_malloc', line: 493 }),
    ]);
  });

  it("agrees with 6.0.1's q_malloc arithmetic: 64 + 48 bytes a fragment, a 268608-byte block", () => {
    const used = shm.fragments.filter((f) => !f.free);
    expect(used.reduce((sum, f) => sum + f.size, 0n)).toBe(shm.heap.used);
    expect(shm.heap.realUsed).toBe(shm.heap.used + BigInt(shm.fragments.length) * (QM_FRAG + QM_FRAG_END) + QM_BLOCK);
    for (const f of shm.fragments) expect(f.address - f.frag).toBe(QM_FRAG);
    for (const [i, f] of shm.fragments.slice(1).entries()) {
      const previous = shm.fragments[i];
      expect(f.frag).toBe((previous?.frag ?? 0n) + QM_FRAG + (previous?.size ?? 0n) + QM_FRAG_END);
    }
  });

  it('sums shm as the status dump counts it, but for the cfg block the dump trigger committed', () => {
    const sums = blocks[1] as SumsBlock;
    const fromDump = new Map<string, number>();
    for (const f of shm.fragments.filter((x) => !x.free)) fromDump.set(siteKey(f), (fromDump.get(siteKey(f)) ?? 0) + 1);
    expect(sums.entries.filter((e) => fromDump.get(siteKey(e)) !== e.count).map(siteKey)).toEqual([
      'core: core/cfg/cfg_struct.c: cfg_clone_global(634)',
    ]);
    expect(sums.entries).toContainEqual({ count: 1, bytes: 2097152n, file: 'tm: h_table.c', func: 'init_hash_table', line: 488 });
  });

  it("reads the timer's pkg totals, its kept fragments and its complete sums", () => {
    const status = blocks[2] as StatusBlock;
    const sums = blocks[3] as SumsBlock;
    expect(status.heap).toEqual({ size: 8388608n, used: 1509872n, realUsed: 1876032n, maxRealUsed: 1888096n, free: 6512576n });
    expect(status.fragments.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 869, 870]);
    for (const f of status.fragments) expect(f.address - f.frag).toBe(QM_FRAG);
    expect(sums.entries.reduce((n, e) => n + e.bytes, 0n)).toBe(status.heap.used);
    // 6.0's 40 pv buffers take 32 KiB each in every process's pkg (5.6.3: 8 KiB each).
    expect(sums.entries).toContainEqual({ count: 40, bytes: 1310720n, file: 'core: core/pvapi.c', func: 'pv_init_buffer', line: 2063 });
  });

  it('makes a complete shm snapshot and flags the trimmed pkg one', () => {
    const [shmSnapshot, pkgSnapshot] = snapshots(fixture('qm-dumps.txt'));
    expect(shmSnapshot).toMatchObject({ walk: { complete: true }, findings: [], log: { parts: 'status+sums' } });
    expect(shmSnapshot?.heap).toMatchObject({ kind: 'shm', allocator: 'q_malloc' });
    expect(pkgSnapshot?.walk.complete).toBe(false);
    expect(pkgSnapshot?.findings.map((f) => f.kind)).toContain('log-incomplete');
  });
});

describe.each([
  ['f_malloc', 'fm-dumps.txt', 'f_malloc', [9997, 9995]],
  ['TLSF', 'tlsf-dumps.txt', 'tlsf_malloc', [10212, 10210]],
] as const)('%s (mem_dump_shm, corex.shm_summary, the timer\'s pkg dump)', (_name, file, allocator, [ctl, timer]) => {
  const blocks = collectDumpBlocks(fixture(file));

  it('gives status and sums blocks of shm and of the timer, with their headers', () => {
    expect(shapes(blocks)).toEqual([
      `status:${ctl}:shm-status:-`, `sums:${ctl}:-:-`, `status:${timer}:pkg-status:${timer}`, `sums:${timer}:pkg-sums:${timer}`,
    ]);
    for (const block of blocks) expect(block.allocator).toBe(allocator);
  });

  it('reads the totals, and sums that add up to used=', () => {
    const [shm, shmSums, pkg, pkgSums] = blocks as [StatusBlock, SumsBlock, StatusBlock, SumsBlock];
    expect(shm.heap.size).toBe(allocator === 'tlsf_malloc' ? 67108784n : 67108864n);
    expect(pkg.heap.size).toBe(allocator === 'tlsf_malloc' ? 8388528n : 8388608n);
    for (const status of [shm, pkg]) {
      expect(status.totalsLines).toBe(3);
      expect(status.fragments).toEqual([]);
      expect(status.heap.realUsed).toBeGreaterThan(status.heap.used);
    }
    expect(pkgSums.entries.reduce((n, e) => n + e.bytes, 0n)).toBe(pkg.heap.used);
    expect(shmSums.entries.some((e) => e.file === 'htable: ht_api.c' && e.func === 'ht_cell_new')).toBe(true);
  });

  it('makes complete snapshots of both heaps', () => {
    const all = snapshots(fixture(file));
    expect(all.map((s) => `${s.heap.kind} ${s.heap.allocator} ${s.log?.parts} ${s.walk.complete}`)).toEqual([
      `shm ${allocator} status+sums true`, `pkg ${allocator} status+sums true`,
    ]);
  });
});

describe('the MEMDBG=0 source build (nodebug-pkg-timer.txt, trimmed)', () => {
  const blocks = collectDumpBlocks(fixture('nodebug-pkg-timer.txt'));

  it('reads fragments without origins, 16-byte headers, and the warning in place of the sums', () => {
    expect(shapes(blocks)).toEqual(['status:10383:pkg-status:10383', 'sums:10383:pkg-sums:10383']);
    const status = blocks[0] as StatusBlock;
    expect(status.sites).toBe(false);
    expect(status.fragments.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 870, 871]);
    for (const f of status.fragments) expect(f).toMatchObject({ address: f.frag + QM_NODEBUG_FRAG, file: '', func: '', line: 0 });
    expect(blocks[1]).toMatchObject({ available: false, entries: [] });
  });
});

describe('core.psx of Debian 13\'s package (core-psx.txt)', () => {
  it('lists the same roles, in the same order, as 5.6.3', () => {
    const roles = parsePsx(fixture('core-psx.txt').join('\n')).map((p) => p.description.replace(/ child=\d+ .*$/, ''));
    expect(roles).toEqual(['main process - attendant', 'udp receiver', 'udp receiver', 'slow timer', 'timer', 'secondary timer', 'ctl handler']);
  });
});
