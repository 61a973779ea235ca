// Before the attach, estimates how many bytes the capture will read, so the destination buffers can
// be touched while the target still runs. The process is running and may change under us: the
// result only sizes buffers, never feeds the walk.
import { blockSpan, resolveAddress, type HeapLayout } from '../heap/layout.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { HeapRoot } from './heap-header.js';

/** Bytes of heap the walk will read (used part plus slack), or undefined when the header does not look sane. */
export async function estimateCapture(memory: RawMemory, heap: HeapRoot, layout: HeapLayout): Promise<number | undefined> {
  try {
    const raw = await memory.read(heap.block, blockSpan(layout.block));
    const realUsed = Number(raw.readBigUInt64LE(layout.block.realUsed));
    const span = Number(resolveAddress(layout.block.walkEnd, heap.block, raw) - resolveAddress(layout.block.firstFrag, heap.block, raw));
    if (!(span > 0 && span < 2 ** 40 && realUsed >= 0)) return undefined;
    // Chunks around free fragments are read too: allow a quarter more and two chunks of slack.
    return Math.min(span, Math.ceil(realUsed * 1.25) + 2 * 1024 * 1024);
  } catch {
    // Unreadable: no estimate.
    return undefined;
  }
}
