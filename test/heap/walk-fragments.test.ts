// walkFragments over 64 KiB of a real shm heap (Kamailio 5.6.3, q_malloc with debug fields); the
// expected fragments come from Kamailio's own qm_status dump of the same moment, not from kamheap.
import { describe, expect, it } from 'vitest';
import type { RawFragment, WalkRange } from '../../src/heap/fragment.js';
import { qmallocDebugX64 } from '../../src/heap/layout-profiles.js';
import { walkFragments, type WalkBounds } from '../../src/heap/walk-fragments.js';
import { bufferView, dumped, heap, heapBytes, offsetOf, type DumpedFragment } from './heap-fixture.js';

const layout = qmallocDebugX64.fragment;
const realBounds: WalkBounds = { firstFrag: heap.firstFrag, walkEnd: heap.lastFragEnd };
const inside: WalkRange = { from: 0, to: dumped.fragments.length };

/** The fields Kamailio's dump and the walk share (the dump's addresses are hex strings). */
function shape(f: RawFragment | DumpedFragment): { index: number; frag: number; size: number; free: boolean; line: number } {
  return { index: f.index, frag: Number(f.frag), size: f.size, free: f.free, line: f.line };
}

/** Fragment `i` of the dump (fails loudly if the fixture has fewer). */
function dumpedAt(i: number): DumpedFragment {
  const f = dumped.fragments[i];
  if (!f) throw new Error(`the fixture has no fragment ${i}`);
  return f;
}

describe('walkFragments over the captured heap bytes', () => {
  it('captured what the sidecar says', () => {
    expect(heapBytes.length).toBe(heap.length);
    expect(heap.base).toBe(heap.firstFrag);
    expect(dumped.fragments.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it.each(['sync', 'async'] as const)('yields the fragments Kamailio dumped (%s view)', async (mode) => {
    const result = await walkFragments(bufferView(heapBytes, mode), layout, realBounds, inside);
    expect(result.fragments.map(shape)).toEqual(dumped.fragments.map(shape));
    expect(result).toMatchObject({ findings: [], complete: true, stepped: dumped.fragments.length });
  });

  it('reads the debug pointers: one string literal per file and function', async () => {
    const { fragments } = await walkFragments(bufferView(heapBytes), layout, realBounds, inside);
    const byText = (key: 'file' | 'func', ptr: 'filePtr' | 'funcPtr'): Map<string, Set<number>> => {
      const map = new Map<string, Set<number>>();
      fragments.forEach((f, i) => map.set(dumpedAt(i)[key], (map.get(dumpedAt(i)[key]) ?? new Set()).add(f[ptr])));
      return map;
    };
    // sr_cfg_init's five fragments (3-7) share their file and function pointers, and so on.
    for (const pointers of byText('file', 'filePtr').values()) expect(pointers.size).toBe(1);
    for (const pointers of byText('func', 'funcPtr').values()) expect(pointers.size).toBe(1);
    expect(new Set(fragments.map((f) => f.filePtr)).size).toBe(byText('file', 'filePtr').size);
    expect(fragments.every((f) => f.mnamePtr !== 0)).toBe(true);
  });

  it('walks to a heap end inside the fixture and calls it complete', async () => {
    const end = BigInt(dumped.cutOff.frag) - BigInt(layout.trailer?.size ?? 0);
    const progress: number[] = [];
    const result = await walkFragments(bufferView(heapBytes), layout, { firstFrag: heap.firstFrag, walkEnd: end }, { from: 0, to: undefined }, { onProgress: (n) => progress.push(n) });
    expect(result.fragments.map(shape)).toEqual(dumped.fragments.map(shape));
    expect(result).toMatchObject({ findings: [], complete: true, stepped: 11 });
    expect(progress).toEqual([11]);
  });

  it('reports a read error where the memory ends, keeping what came before', async () => {
    const result = await walkFragments(bufferView(heapBytes), layout, realBounds, { from: 0, to: undefined });
    expect(result.fragments).toHaveLength(dumped.fragments.length);
    expect(result.complete).toBe(false);
    expect(result.stepped).toBe(dumped.cutOff.index);
    expect(result.findings).toEqual([
      { kind: 'read-error', index: dumped.cutOff.index, address: BigInt(dumped.cutOff.frag), message: expect.stringMatching(/cannot read 48 bytes/) },
    ]);
  });

  it('reports a walk that overshoots the walk end', async () => {
    const walkEnd = BigInt(dumped.cutOff.frag) - 8n;
    const result = await walkFragments(bufferView(heapBytes), layout, { firstFrag: heap.firstFrag, walkEnd }, { from: 0, to: undefined });
    expect(result.fragments).toHaveLength(11);
    expect(result.complete).toBe(false);
    expect(result.findings).toEqual([{ kind: 'walk-error', index: 11, address: BigInt(dumped.cutOff.frag), message: expect.stringMatching(/not at the heap end/) }]);
  });
});

describe('walkFragments ranges', () => {
  it.each<[number, number]>([
    [0, 11],
    [0, 1],
    [3, 8],
    [5, 11],
    [10, 11],
    [4, 4],
    [0, 0],
  ])('from %i to %i is that slice of the full walk', async (from, to) => {
    const full = await walkFragments(bufferView(heapBytes), layout, realBounds, inside);
    const part = await walkFragments(bufferView(heapBytes), layout, realBounds, { from, to });
    expect(part.fragments).toEqual(full.fragments.slice(from, to));
    expect(part).toMatchObject({ findings: [], complete: true, stepped: to });
  });

  it('stops reading at `to`', async () => {
    const view = bufferView(heapBytes);
    await walkFragments(view, layout, realBounds, { from: 0, to: 3 });
    expect(view.reads).toBe(6);
  });
});

/** A copy of the fixture with one 64-bit word overwritten. */
function corrupted(offset: number, value: bigint): Buffer {
  const copy = Buffer.from(heapBytes);
  copy.writeBigUInt64LE(value, offset);
  return copy;
}

/** Offset of a fragment's trailer (struct qm_frag_end) inside the fixture. */
function trailerOf(f: DumpedFragment): number {
  return offsetOf(f) + layout.headerSize + f.size;
}

describe('walkFragments on corrupted copies', () => {
  it.each<[string, number, (f: DumpedFragment) => Buffer, string, RegExp]>([
    ['broken start check', 4, (f) => corrupted(offsetOf(f) + 48, 0xf0f0f0f1n), 'check-pattern', /^start check check=0xf0f0f0f1, expected 0xf0f0f0f0$/],
    ['broken start check of the first fragment', 0, (f) => corrupted(offsetOf(f) + 48, 0n), 'check-pattern', /^start check check=0x0/],
    ['start check broken only in its high half', 3, (f) => corrupted(offsetOf(f) + 48, 0x1f0f0f0f0n), 'check-pattern', /^start check check=0x1f0f0f0f0, expected 0xf0f0f0f0$/],
    ['broken end check1', 8, (f) => corrupted(trailerOf(f), 0xc0c0c0c1n), 'check-pattern', /^end check check1=0xc0c0c0c1, expected 0xc0c0c0c0$/],
    ['broken end check2', 10, (f) => corrupted(trailerOf(f) + 8, 0n), 'check-pattern', /^end check check2=0x0, expected 0xabcdefed$/],
    ['size past the heap end', 6, (f) => corrupted(offsetOf(f), heap.heapEnd - BigInt(f.frag)), 'size-out-of-bounds', /runs past the heap end 0x7f7d34071000/],
    ['size with a high bit flipped', 2, (f) => corrupted(offsetOf(f), BigInt(f.size) | (1n << 40n)), 'size-out-of-bounds', /runs past the heap end/],
    ['size with the top bit set', 5, (f) => corrupted(offsetOf(f), (1n << 63n) | BigInt(f.size)), 'size-out-of-bounds', /runs past the heap end/],
    ['size of all ones', 7, (f) => corrupted(offsetOf(f), 2n ** 64n - 1n), 'size-out-of-bounds', /runs past the heap end/],
    ['misaligned size', 1, (f) => corrupted(offsetOf(f), BigInt(f.size) + 4n), 'size-misaligned', /^fragment size 324 is not a multiple of 8$/],
  ])('%s at fragment %i', async (_what, index, corrupt, kind, message) => {
    const target = dumpedAt(index);
    const result = await walkFragments(bufferView(corrupt(target)), layout, realBounds, inside);
    expect(result.findings).toEqual([{ kind, index, address: BigInt(target.frag), message: expect.stringMatching(message) }]);
    expect(result.complete).toBe(false);
    expect(result.stepped).toBe(index);
    expect(result.fragments.map(shape)).toEqual(dumped.fragments.slice(0, index).map(shape));
  });

  it('reports corruption before `from` though it collects nothing', async () => {
    const bytes = corrupted(offsetOf(dumpedAt(2)) + 48, 0n);
    const result = await walkFragments(bufferView(bytes), layout, realBounds, { from: 5, to: 11 });
    expect(result.fragments).toEqual([]);
    expect(result.findings.map((f) => [f.kind, f.index])).toEqual([['check-pattern', 2]]);
    expect(result.complete).toBe(false);
  });

  it('leaves a size that still lands on a valid header to the check words', async () => {
    // Fragment 2 claims the space of fragments 2 and 3: its "trailer" is then fragment 3's trailer.
    const two = dumpedAt(2);
    const merged = BigInt(two.size) + BigInt(layout.overhead) + BigInt(dumpedAt(3).size);
    const result = await walkFragments(bufferView(corrupted(offsetOf(two), merged)), layout, realBounds, { from: 0, to: 10 });
    expect(result).toMatchObject({ findings: [], complete: true });
    expect(result.fragments.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.fragments[3]?.frag).toBe(Number(dumpedAt(4).frag));
  });
});
