// Before the attach, estimates how many bytes the capture will read, so the destination buffers can
// be touched while the target still runs. The process is running and may change under us: the
// result only sizes buffers, never feeds the walk.
import { blockSpan, resolveAddress, type HeapLayout } from '../heap/layout.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { DwarfLayouts } from './choose-layout.js';
import type { ResolvedRoot } from './heap-roots.js';
import { heapRootAt, layoutForRoot } from './locate-heap.js';

export interface CaptureEstimate {
  /** The layout the heap will be walked with, as far as can be told before the attach. */
  layout: HeapLayout;
  /** Bytes of heap the walk will read (used part plus slack), when the header looks sane. */
  bytes: number | undefined;
}

/** What the capture will need, or undefined when it cannot tell (no allocator or layout known). */
export async function estimateCapture(pid: number, memory: RawMemory, root: ResolvedRoot, address: bigint, dwarf: DwarfLayouts): Promise<CaptureEstimate | undefined> {
  try {
    // Any failure (unknown manager, heap not set up, unreadable) means: no estimate.
    const heap = await heapRootAt(memory, pid, root, address);
    const { block } = heap;
    const layout: HeapLayout = layoutForRoot(dwarf, heap);
    const raw = await memory.read(block, blockSpan(layout.block));
    const realUsed = Number(raw.readBigUInt64LE(layout.block.realUsed));
    const span = Number(resolveAddress(layout.block.walkEnd, block, raw) - resolveAddress(layout.block.firstFrag, block, raw));
    if (!(span > 0 && span < 2 ** 40 && realUsed >= 0)) return { layout, bytes: undefined };
    // Chunks around free fragments are read too: allow a quarter more and two chunks of slack.
    return { layout, bytes: Math.min(span, Math.ceil(realUsed * 1.25) + 2 * 1024 * 1024) };
  } catch {
    return undefined;
  }
}
