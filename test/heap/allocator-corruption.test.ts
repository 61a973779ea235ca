// walkFragments with the f_malloc and TLSF profiles on corrupted copies of the real header captures:
// each allocator's own consistency marks (f_malloc's 4-byte check word, TLSF's prev-free bit) stop
// the walk, and bytes that are not part of a field (struct padding) do not.
import { describe, expect, it } from 'vitest';
import { walkFragments, type WalkBounds } from '../../src/heap/walk-fragments.js';
import { loadHeaderFixture, segmentView, type HeaderFixture } from './header-fixture.js';

const fm = loadHeaderFixture('fm-pkg-timer');
const tlsf = loadHeaderFixture('tlsf-pkg-timer');

/** The segments with fragment `index`'s header changed by `edit` (a copy; the fixture stays intact). */
function corrupted(f: HeaderFixture, index: number, edit: (header: Buffer) => void): HeaderFixture['segments'] {
  return f.segments.map((s, i) => {
    if (i !== index + 1) return s;
    const bytes = Buffer.from(s.bytes);
    edit(bytes);
    return { address: s.address, bytes };
  });
}

/** Walks the segments with the fixture's layout and bounds. */
function walk(f: HeaderFixture, segments: HeaderFixture['segments'], bounds: WalkBounds = { firstFrag: f.firstFrag, walkEnd: f.walkEnd }) {
  return walkFragments(segmentView(segments), f.layout.fragment, bounds, { from: 0, to: undefined });
}

/** Address of fragment `index`'s header. */
function fragAt(f: HeaderFixture, index: number): bigint {
  const s = f.segments[index + 1];
  if (!s) throw new Error(`no fragment ${index}`);
  return BigInt(s.address);
}

/** Index of the first fragment (after `after`) for which `test` holds on its header. */
function find(f: HeaderFixture, test: (header: Buffer) => boolean, after = 0): number {
  const i = f.segments.findIndex((s, j) => j > after + 1 && j < f.segments.length - 1 && test(s.bytes));
  if (i < 0) throw new Error('no such fragment in the fixture');
  return i - 1;
}

const tlsfFree = (h: Buffer): boolean => (h.readUInt32LE(40) & 1) !== 0;
const fmFree = (h: Buffer): boolean => h.readUInt32LE(24) !== 0;

describe('f_malloc', () => {
  it.each<[string, number, (h: Buffer) => void, string, RegExp]>([
    ['a broken check word', 3, (h) => h.writeUInt32LE(0xf0f0f0f1, 64), 'check-pattern', /^start check check=0xf0f0f0f1, expected 0xf0f0f0f0$/],
    ['a zeroed check word', 0, (h) => h.writeUInt32LE(0, 64), 'check-pattern', /^start check check=0x0, expected 0xf0f0f0f0$/],
    ['a size past the sentinel', 5, (h) => h.writeBigUInt64LE(BigInt(fm.walkEnd) - fragAt(fm, 5), 0), 'size-out-of-bounds', /runs past the heap end/],
    ['a size of all ones', 7, (h) => h.writeBigUInt64LE(2n ** 64n - 1n, 0), 'size-out-of-bounds', /runs past the heap end/],
    ['a misaligned size', 9, (h) => h.writeBigUInt64LE(h.readBigUInt64LE(0) + 4n, 0), 'size-misaligned', /is not a multiple of 8/],
  ])('%s at fragment %i stops the walk there', async (_what, index, edit, kind, message) => {
    const result = await walk(fm, corrupted(fm, index, edit));
    expect(result.findings).toEqual([{ kind, index, address: fragAt(fm, index), message: expect.stringMatching(message) }]);
    expect(result.complete).toBe(false);
    expect(result.fragments).toHaveLength(index);
  });

  it('ignores the padding after the 4-byte is_free and check fields', async () => {
    const used = find(fm, (h) => !fmFree(h));
    const free = find(fm, fmFree);
    const noisy = corrupted(fm, used, (h) => {
      h.writeUInt32LE(0xdeadbeef, 28);
      h.writeUInt32LE(0xdeadbeef, 68);
    });
    const noisier = noisy.map((s, i) => (i === free + 1 ? { address: s.address, bytes: Buffer.from(s.bytes).fill(0xa5, 68, 72) } : s));
    const clean = await walk(fm, fm.segments);
    const result = await walk(fm, noisier);
    expect(result).toEqual(clean);
    expect(result.fragments[used]?.free).toBe(false);
  });

  it('reports a walk that does not land on the sentinel', async () => {
    const result = await walk(fm, fm.segments, { firstFrag: fm.firstFrag, walkEnd: fm.walkEnd - 8n });
    expect(result.complete).toBe(false);
    expect(result.findings[0]?.kind).toBe('size-out-of-bounds');
  });
});

describe('TLSF', () => {
  it('stops at a block whose prev-free bit says free after a used block', async () => {
    const index = find(tlsf, (h) => !tlsfFree(h) && (h.readUInt32LE(40) & 2) === 0, 1);
    const result = await walk(tlsf, corrupted(tlsf, index, (h) => h.writeUInt32LE(h.readUInt32LE(40) | 2, 40)));
    expect(result.findings).toEqual([{ kind: 'check-pattern', index, address: fragAt(tlsf, index), message: 'prev-free flag is set but the previous fragment is used' }]);
    expect(result.fragments).toHaveLength(index);
  });

  it('stops at the block after a free one when its prev-free bit is clear', async () => {
    const free = find(tlsf, tlsfFree);
    const next = free + 1;
    const result = await walk(tlsf, corrupted(tlsf, next, (h) => h.writeUInt32LE(h.readUInt32LE(40) & ~2, 40)));
    expect(result.findings).toEqual([{ kind: 'check-pattern', index: next, address: fragAt(tlsf, next), message: 'prev-free flag is clear but the previous fragment is free' }]);
  });

  it('notices a used block marked free at the block after it', async () => {
    const used = find(tlsf, (h) => !tlsfFree(h), 10);
    const result = await walk(tlsf, corrupted(tlsf, used, (h) => h.writeUInt32LE(h.readUInt32LE(40) | 1, 40)));
    expect(result.findings.map((x) => [x.kind, x.index])).toEqual([['check-pattern', used + 1]]);
  });

  it.each<[string, (h: Buffer, at: bigint) => void, string]>([
    ['a size past the sentinel', (h, at) => h.writeBigUInt64LE(BigInt(tlsf.walkEnd) - at, 40), 'size-out-of-bounds'],
    ['a size with bit 2 set', (h) => h.writeUInt32LE(h.readUInt32LE(40) | 4, 40), 'size-misaligned'],
    ['a size of all ones', (h) => h.writeBigUInt64LE(2n ** 64n - 1n, 40), 'size-out-of-bounds'],
  ])('stops at %s', async (_what, edit, kind) => {
    const index = 4;
    const result = await walk(tlsf, corrupted(tlsf, index, (h) => edit(h, fragAt(tlsf, index))));
    expect(result.findings.map((x) => [x.kind, x.index])).toEqual([[kind, index]]);
  });

  it('reads the size without its two flag bits', async () => {
    const free = find(tlsf, tlsfFree);
    const clean = await walk(tlsf, tlsf.segments);
    const header = tlsf.segments[free + 1]?.bytes;
    expect(header && header.readUInt32LE(40) & 3).toBeGreaterThan(0);
    expect(clean.fragments[free]?.size).toBe(Number(header?.readBigUInt64LE(40) ?? 0n) & ~3);
  });
});
