// captureHeap reads only what the walk will need, and the walk over the capture equals a walk over
// the live bytes: shown on the captured real heap (test/fixtures/heap).
import { describe, expect, it } from 'vitest';
import { MemoryReadError } from '../../src/errors.js';
import { qmallocDebugX64 } from '../../src/heap/layout-profiles.js';
import { walkFragments } from '../../src/heap/walk-fragments.js';
import { captureHeap, warmUpCapture } from '../../src/memory/heap-capture.js';
import type { RawMemory } from '../../src/memory/proc-mem.js';
import { bufferView, dumped, heap, heapBytes } from '../heap/heap-fixture.js';
import { HEADER_FIXTURES, loadHeaderFixture, segmentMemory, segmentView } from '../heap/header-fixture.js';
import { profileTable } from '../../src/heap/layout-profiles.js';

const layout = qmallocDebugX64.fragment;
const inside = { firstFrag: heap.firstFrag, walkEnd: heap.fixtureEnd - BigInt(layout.trailer?.size ?? 0) };

/** A RawMemory over the fixture that counts reads and fails outside it, like /proc/PID/mem. */
function fixtureMemory(bytes: Buffer = heapBytes): RawMemory & { reads: number } {
  const memory = {
    reads: 0,
    read(address: bigint, length: number): Buffer {
      memory.reads++;
      const offset = Number(address - heap.base);
      if (offset < 0 || offset + length > bytes.length) throw new MemoryReadError(address, length);
      return Buffer.from(bytes.subarray(offset, offset + length));
    },
    close: () => undefined,
  };
  return memory;
}

describe('captureHeap', () => {
  it.each([
    [{ from: 0, to: undefined }],
    [{ from: 3, to: 8 }],
  ])('walks the capture exactly as the live bytes (%j)', async (range) => {
    const memory = fixtureMemory();
    const captured = await captureHeap(memory, layout, inside, range);
    const fromCapture = await walkFragments(captured, layout, inside, range);
    const fromLive = await walkFragments(bufferView(heapBytes), layout, inside, range);
    expect(fromCapture).toEqual(fromLive);
    expect(captured.stats.reads).toBe(memory.reads);
    expect(captured.stats.reads).toBe(1);
  });

  it('lists the dumped fragments when walked after capture', async () => {
    const captured = await captureHeap(fixtureMemory(), layout, inside, { from: 0, to: undefined });
    const walk = await walkFragments(captured, layout, inside, { from: 0, to: undefined });
    expect(walk.fragments.map((f) => [f.index, `0x${f.frag.toString(16)}`, f.size, f.free])).toEqual(
      dumped.fragments.map((f) => [f.index, f.frag, f.size, f.free]),
    );
  });

  it('stops quietly at an unreadable chunk and lets the walk report it', async () => {
    // Small chunks, as if the heap went on past the 64 KiB that can be read.
    const bounds = { firstFrag: heap.firstFrag, walkEnd: heap.lastFragEnd };
    const captured = await captureHeap(fixtureMemory(), layout, bounds, { from: 0, to: undefined }, { chunkSize: 4096 });
    const walk = await walkFragments(captured, layout, bounds, { from: 0, to: undefined });
    expect(walk.complete).toBe(false);
    expect(walk.findings[0]?.kind).toBe('read-error');
    expect(walk.findings[0]?.index).toBe(dumped.cutOff.index);
    expect(walk.fragments).toHaveLength(dumped.cutOff.index);
  });

  it('stops at a size that leaves the heap, without reading past it', async () => {
    const broken = Buffer.from(heapBytes);
    const second = Number(BigInt(dumped.fragments[1]?.frag ?? '0') - heap.base);
    broken.writeUInt32LE(0x7ffffff8, second + layout.size.offset);
    const memory = fixtureMemory(broken);
    const captured = await captureHeap(memory, layout, inside, { from: 0, to: undefined });
    const walk = await walkFragments(captured, layout, inside, { from: 0, to: undefined });
    expect(walk.findings[0]).toMatchObject({ kind: 'size-out-of-bounds', index: 1 });
    expect(memory.reads).toBe(1);
  });

  it.each(profileTable.map((p) => [p.layout.id, p.layout] as const))('warms up on a synthetic %s heap without touching any process', async (_id, profile) => {
    await expect(warmUpCapture(profile.fragment, 1000)).resolves.toBeUndefined();
  });
});

describe.each(HEADER_FIXTURES)('captureHeap over the %s header capture', (name) => {
  const f = loadHeaderFixture(name);
  const bounds = { firstFrag: f.firstFrag, walkEnd: f.walkEnd };

  it.each([
    [{ from: 0, to: undefined }],
    [{ from: 100, to: 300 }],
  ])('walks the capture exactly as the bytes themselves (%j)', async (range) => {
    const memory = segmentMemory(f.segments);
    const captured = await captureHeap(memory, f.layout.fragment, bounds, range, { chunkSize: 64 * 1024 });
    const fromCapture = await walkFragments(captured, f.layout.fragment, bounds, range);
    const direct = await walkFragments(segmentView(f.segments), f.layout.fragment, bounds, range);
    expect(fromCapture).toEqual(direct);
    expect(fromCapture.complete).toBe(true);
    expect(captured.stats.reads).toBe(memory.reads);
  });

  it('reads only the chunks the fragments lie in', async () => {
    const memory = segmentMemory(f.segments);
    const chunkSize = 64 * 1024;
    await captureHeap(memory, f.layout.fragment, bounds, { from: 0, to: undefined }, { chunkSize });
    const chunks = new Set(f.segments.slice(1, -1).map((s) => Math.floor((s.address - Number(f.firstFrag)) / chunkSize)));
    expect(memory.reads).toBe(chunks.size);
  });
});
