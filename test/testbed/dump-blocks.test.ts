import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectDumpBlocks, type StatusBlock, type SumsBlock } from '../../testbed/dump-blocks.js';

// Captured from a live Kamailio 5.6.3; see test/fixtures/kamailio/README.md.
function fixture(name: string): string[] {
  return readFileSync(new URL(`../fixtures/kamailio/${name}`, import.meta.url), 'utf8').split('\n');
}

const QM_FRAG = 56n;
const QM_FRAG_END = 48n;
const QM_BLOCK = 235152n;

describe('an shm status dump (mem_dump_shm, complete)', () => {
  const blocks = collectDumpBlocks(fixture('shm-status.txt'));
  const block = blocks[0] as StatusBlock;

  it('is one status block from the ctl process, announced by its header', () => {
    expect(blocks).toHaveLength(1);
    expect(block).toMatchObject({ kind: 'status', pid: 3669, header: { what: 'shm-status', pid: undefined } });
    expect(block.heap).toEqual({
      size: 67108864n, used: 3095928n, realUsed: 3362280n, maxRealUsed: 3362280n, free: 63746584n,
    });
  });

  it('lists every fragment in heap order, with its origin', () => {
    expect(block.fragments.map((f) => f.index)).toEqual([...Array(300).keys()]);
    expect(block.fragments[1]).toEqual({
      index: 1, address: 0x7f78a1b2d738n, frag: 0x7f78a1b2d700n, size: 320n, free: false,
      file: 'htable: ht_api.c', func: 'ht_add_table', line: 289,
    });
    const free = block.fragments.filter((f) => f.free);
    expect(free).toEqual([expect.objectContaining({ index: 299, size: 63746584n, func: 'fragm. from qm_malloc' })]);
  });

  it('agrees with q_malloc arithmetic', () => {
    const used = block.fragments.filter((f) => !f.free);
    expect(used.reduce((sum, f) => sum + f.size, 0n)).toBe(block.heap.used);
    const overhead = BigInt(block.fragments.length) * (QM_FRAG + QM_FRAG_END) + QM_BLOCK;
    expect(block.heap.realUsed).toBe(block.heap.used + overhead);
    for (const f of block.fragments) expect(f.address - f.frag).toBe(QM_FRAG);
    for (const [i, f] of block.fragments.slice(1).entries()) {
      const previous = block.fragments[i];
      expect(f.frag).toBe((previous?.frag ?? 0n) + QM_FRAG + (previous?.size ?? 0n) + QM_FRAG_END);
    }
  });
});

describe('an shm summary (corex.shm_summary)', () => {
  const blocks = collectDumpBlocks(fixture('shm-summary.txt'));
  const sums = blocks[0] as SumsBlock;

  it('is one headerless sums block', () => {
    expect(blocks).toHaveLength(1);
    expect(sums).toMatchObject({ kind: 'sums', pid: 3669, header: undefined });
    expect(sums.entries).toHaveLength(62);
    expect(sums.entries).toContainEqual({
      count: 85, bytes: 9784n, file: 'htable: ht_api.c', func: 'ht_cell_new', line: 186,
    });
  });

  it('matches the status dump taken just before it, except the cfg block that dump left behind', () => {
    const status = collectDumpBlocks(fixture('shm-status.txt'))[0] as StatusBlock;
    const key = (s: { file: string; func: string; line: number }): string => `${s.file}: ${s.func}(${s.line})`;
    const fromDump = new Map<string, number>();
    for (const f of status.fragments.filter((x) => !x.free)) fromDump.set(key(f), (fromDump.get(key(f)) ?? 0) + 1);
    const differing = sums.entries.filter((e) => fromDump.get(key(e)) !== e.count).map(key);
    // `cfg.set_now_int` commits a fresh copy of the cfg block after the dump ran.
    expect(differing).toEqual(['core: core/cfg/cfg_struct.c: cfg_clone_global(626)']);
  });
});

describe('a receiver pkg dump (trimmed), interleaved with another receiver', () => {
  const blocks = collectDumpBlocks(fixture('pkg-dump-receiver.txt'));

  it('yields the three stacked dumps of pid 3664, each status then sums', () => {
    expect(blocks.map((b) => `${b.kind}:${b.pid}:${b.header?.what}:${b.header?.pid}`)).toEqual([
      'status:3664:pkg-status:3664', 'sums:3664:pkg-sums:3664',
      'status:3664:pkg-status:3664', 'sums:3664:pkg-sums:3664',
      'status:3664:pkg-status:3664', 'sums:3664:pkg-sums:3664',
    ]);
  });

  it('keeps fragments whole across foreign lines', () => {
    const status = blocks[0] as StatusBlock;
    expect(status.heap.size).toBe(8388608n);
    for (const f of status.fragments) {
      expect(f.address - f.frag).toBe(QM_FRAG);
      expect(f.file).not.toBe('');
    }
  });
});

describe('the shutdown dumps (trimmed): seven processes at once', () => {
  const blocks = collectDumpBlocks(fixture('shutdown.txt'));

  it('pairs each status and sums block with its own process', () => {
    const pids = [3662, 3664, 3665, 3666, 3667, 3668, 3669];
    for (const pid of pids) {
      const mine = blocks.filter((b) => b.pid === pid).map((b) => `${b.kind}:${b.header?.what}`);
      const expected = pid === 3662
        ? ['status:pkg-status', 'sums:pkg-sums', 'status:shm-status', 'sums:shm-sums']
        : ['status:pkg-status', 'sums:pkg-sums'];
      expect(mine, `pid ${pid}`).toEqual(expected);
    }
  });
});

// A build without the memory debug fields (scripts/build-kamailio.sh nodebug, MEMDBG=0): lines of a
// live timer's pkg dump (trimmed to a few fragments), then qm_sums' warning in place of the sums.
const NODEBUG_PKG_DUMP = [
  ' 4(8450) ALERT: <core> [core/pt.c:551]: mem_dump_pkg_cb(): Memory status (pkg) of process 8450:',
  ' 4(8450) ALERT: qm_status: qm_status(): (0x7f906fcdd010):',
  ' 4(8450) ALERT: qm_status: qm_status(): heap size= 8388608',
  ' 4(8450) ALERT: qm_status: qm_status(): used= 516512, used+overhead=585632, free=7802976',
  ' 4(8450) ALERT: qm_status: qm_status(): max used (+overhead)= 589184',
  " 4(8450) ALERT: qm_status: qm_status(): dumping all alloc'ed. fragments:",
  ' 4(8450) ALERT: qm_status: qm_status():      0. N  address=0x7f906fce7860 frag=0x7f906fce7850 size=1024 used=1',
  ' 4(8450) ALERT: qm_status: qm_status():      1. N  address=0x7f906fce7c80 frag=0x7f906fce7c70 size=256 used=1',
  ' 4(8450) ALERT: qm_status: qm_status():    813. A  address=0x7f906fd6ddc0 frag=0x7f906fd6ddb0 size=7795264 used=1',
  ' 4(8450) ALERT: qm_status: qm_status(): dumping free list stats :',
  ' 4(8450) ALERT: qm_status: qm_status(): -----------------------------',
  ' 4(8450) ALERT: <core> [core/pt.c:555]: mem_dump_pkg_cb(): Memory still-in-use summary (pkg) of process 8450:',
  ' 4(8450) WARNING: <core> [core/mem/q_malloc.c:1148]: qm_sums(): Enable DBG_QM_MALLOC for getting the status summary',
];

describe('a pkg dump of a build without memory debug fields (nodebug)', () => {
  const blocks = collectDumpBlocks(NODEBUG_PKG_DUMP);

  it('keeps the fragments, without sites', () => {
    const status = blocks[0] as StatusBlock;
    expect(status).toMatchObject({ kind: 'status', pid: 8450, sites: false, header: { what: 'pkg-status', pid: 8450 } });
    expect(status.fragments.map((f) => [f.index, f.free, f.size])).toEqual([
      [0, false, 1024n], [1, false, 256n], [813, true, 7795264n],
    ]);
    for (const f of status.fragments) {
      expect(f).toMatchObject({ file: '', func: '', line: 0 });
      expect(f.address - f.frag).toBe(16n);
    }
  });

  it("turns qm_sums' warning into an empty, unavailable sums block under its header", () => {
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toMatchObject({
      kind: 'sums', pid: 8450, header: { what: 'pkg-sums', pid: 8450 }, entries: [], available: false,
      allocator: 'q_malloc', origin: { firstLine: 12, lastLine: 13, format: 'stderr' },
    });
  });

  it('marks debug builds: status blocks with sites, sums available', () => {
    const [status, sums] = collectDumpBlocks(fixture('pkg-dump-receiver.txt'));
    expect(status).toMatchObject({ kind: 'status', sites: true });
    expect(sums).toMatchObject({ kind: 'sums', available: true });
  });
});
