// A live walk over memory that changes under it, on the captured real q_malloc heap: a fragment torn
// by an allocation in flight is re-read and settles (nothing counted twice); a corruption that reads
// the same every time is a finding; memory that reads differently every time is unsettled, never
// corrupt. The memory here is the fixture's bytes, served torn for a given number of reads.
import { describe, expect, it } from 'vitest';
import { MemoryReadError } from '../../src/errors.js';
import type { RawFragment } from '../../src/heap/fragment.js';
import { qmallocDebugX64 } from '../../src/heap/layout-profiles.js';
import { walkFragments, walkHeap, type SettlePolicy } from '../../src/heap/walk-fragments.js';
import { liveHeap } from '../../src/memory/heap-capture.js';
import type { RawMemory } from '../../src/memory/proc-mem.js';
import { dumped, heap, heapBytes } from './heap-fixture.js';

const layout = qmallocDebugX64.fragment;
const bounds = { firstFrag: heap.firstFrag, walkEnd: heap.fixtureEnd - BigInt(layout.trailer?.size ?? 0) };
// The fixture ends inside fragment 11: walks stop before it.
const whole = { from: 0, to: dumped.fragments.length };
/** No waiting in unit tests. */
const quick: SettlePolicy = { attempts: 6, waitMs: () => 0 };

/** The offset in the fixture of fragment `i`'s header. */
function fragmentOffset(i: number): number {
  return Number(BigInt(dumped.fragments[i]?.frag ?? '0') - heap.base);
}

/** Memory serving `versions(n)` for its n-th read (1-based), as /proc/PID/mem of a running process would. */
function changingMemory(versions: (read: number) => Buffer): RawMemory & { reads: number } {
  const memory = {
    reads: 0,
    read(address: bigint, length: number): Buffer {
      memory.reads++;
      const bytes = versions(memory.reads);
      const offset = Number(address - heap.base);
      if (offset < 0 || offset + length > bytes.length) throw new MemoryReadError(address, length);
      return Buffer.from(bytes.subarray(offset, offset + length));
    },
    close: () => undefined,
  };
  return memory;
}

/** The fixture with fragment `i`'s size word set to `size` (what a split in flight can look like). */
function withSize(i: number, size: number): Buffer {
  const bytes = Buffer.from(heapBytes);
  bytes.writeUInt32LE(size, fragmentOffset(i) + layout.size.offset);
  return bytes;
}

async function liveWalk(memory: RawMemory, chunkSize = 4096): Promise<Awaited<ReturnType<typeof walkHeap>> & { fragments: RawFragment[] }> {
  const fragments: RawFragment[] = [];
  const result = await walkHeap(liveHeap(memory, layout, bounds, { chunkSize }), layout, bounds, whole, (f) => void fragments.push(f), { settle: quick });
  return { ...result, fragments };
}

const expected = await walkFragments(liveHeap(changingMemory(() => heapBytes), layout, bounds), layout, bounds, whole);

describe('a live walk', () => {
  it('reads a quiet heap as a stopped one, without re-reads', async () => {
    const result = await liveWalk(changingMemory(() => heapBytes));
    expect(result.fragments).toEqual(expected.fragments);
    expect(result).toMatchObject({ findings: [], unsettled: [], rereads: 0, complete: true });
  });

  it.each([1, 2, 5])('re-reads a fragment torn for the first %i read(s), and counts each fragment once', async (tornReads) => {
    // Fragment 6's size grows by 64 (a neighbour merged in flight): its trailer is then read in the wrong place.
    const torn = withSize(6, (dumped.fragments[6]?.size ?? 0) + 64);
    const result = await liveWalk(changingMemory((n) => (n <= tornReads ? torn : heapBytes)));
    expect(result.findings).toEqual([]);
    expect(result.unsettled).toEqual([]);
    expect(result.complete).toBe(true);
    expect(result.rereads).toBeGreaterThanOrEqual(1);
    expect(result.fragments).toEqual(expected.fragments);
    expect(result.visited).toBe(expected.fragments.length);
  });

  it('re-walks from fragments it held back: a stale size stepped earlier is fixed too', async () => {
    // Fragment 3 reads one size while fragment 4's header is being rewritten: the first read of
    // the chunk sees a size that lands inside fragment 4, which fails there, not at fragment 3.
    const size = dumped.fragments[3]?.size ?? 0;
    const torn = withSize(3, size + 16);
    const result = await liveWalk(changingMemory((n) => (n === 1 ? torn : heapBytes)));
    expect(result).toMatchObject({ findings: [], unsettled: [], complete: true });
    expect(result.fragments).toEqual(expected.fragments);
  });

  it('calls a fragment that reads broken the same way every time a corruption finding', async () => {
    const broken = Buffer.from(heapBytes);
    broken.writeUInt32LE(0xdeadbeef, fragmentOffset(7) + (layout.checks.find((c) => !c.inTrailer)?.offset ?? 0));
    const result = await liveWalk(changingMemory(() => broken));
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'check-pattern', index: 7 })]);
    expect(result.unsettled).toEqual([]);
    expect(result.rereads).toBe(quick.attempts);
    expect(result.fragments.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('reports a place that reads differently every time as unsettled, not as corruption', async () => {
    const result = await liveWalk(changingMemory((n) => withSize(6, (dumped.fragments[6]?.size ?? 0) + 16 * (1 + (n % 7)))));
    expect(result.findings).toEqual([]);
    expect(result.unsettled).toEqual([expect.objectContaining({ index: 6, address: BigInt(dumped.fragments[6]?.frag ?? '0') })]);
    expect(result.complete).toBe(false);
    expect(result.fragments.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('without a settle policy (a stopped walk) reports the first failure at once', async () => {
    const torn = withSize(6, (dumped.fragments[6]?.size ?? 0) + 64);
    const result = await walkFragments(liveHeap(changingMemory(() => torn), layout, bounds), layout, bounds, whole);
    expect(result.findings).toEqual([expect.objectContaining({ index: 6 })]);
    expect(result.rereads).toBe(0);
  });

  it('holds only a few chunks however large the heap: the ones behind the walk are dropped', async () => {
    // 20,000 copies of the fixture's first fragment, back to back: a valid q_malloc heap of ~2 MiB.
    const first = dumped.fragments[0];
    const stride = layout.overhead + (first?.size ?? 0);
    const copies = 20_000;
    const one = heapBytes.subarray(fragmentOffset(0), fragmentOffset(0) + stride);
    const big = Buffer.concat(Array.from({ length: copies }, () => one));
    const base = heap.base;
    const memory: RawMemory & { reads: number } = {
      reads: 0,
      read(address, length) {
        memory.reads++;
        const offset = Number(address - base);
        return Buffer.from(big.subarray(offset, offset + length));
      },
      close: () => undefined,
    };
    const bigBounds = { firstFrag: base, walkEnd: base + BigInt(copies * stride - (layout.trailer?.size ?? 0)) };
    const view = liveHeap(memory, layout, bigBounds, { chunkSize: 16 * 1024 });
    let most = 0;
    const result = await walkHeap(view, layout, bigBounds, { from: 0, to: undefined }, () => void (most = Math.max(most, view.held)), { settle: quick });
    expect(result).toMatchObject({ complete: true, visited: copies });
    expect(memory.reads).toBeGreaterThan(100);
    expect(most).toBeLessThanOrEqual(4);
  });
});
