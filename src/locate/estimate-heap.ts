// Before the attach, estimates how many bytes the capture will read, so the destination buffers can
// be touched while the target still runs. The process is running and may change under us: the
// result only sizes buffers, never feeds the walk.
import type { HeapLayout } from '../heap/layout.js';
import { allocatorFromName, memApiLayout } from '../heap/layout-profiles.js';
import type { RawMemory } from '../memory/proc-mem.js';
import { readCString } from '../memory/read-strings.js';
import { chooseLayout, type DwarfLayouts } from './choose-layout.js';
import { loadBias } from './load-bias.js';

/** Bytes of heap the walk will read (used part plus slack), or undefined when it cannot tell. */
export async function estimateCaptureBytes(pid: number, memory: RawMemory, rootLinkAddress: bigint, dwarf: DwarfLayouts): Promise<number | undefined> {
  try {
    const bias = loadBias(pid);
    if (bias === undefined) return undefined;
    const api = await memory.read(bias + rootLinkAddress, memApiLayout.memBlock + 8);
    const allocator = allocatorFromName((await readCString(memory, api.readBigUInt64LE(memApiLayout.mname))) ?? '');
    if (!allocator) return undefined;
    const layout: HeapLayout = chooseLayout(dwarf, allocator);
    const block = api.readBigUInt64LE(memApiLayout.memBlock);
    const raw = await memory.read(block, Math.max(layout.block.realUsed, layout.block.firstFrag, layout.block.walkEnd) + 8);
    const realUsed = Number(raw.readBigUInt64LE(layout.block.realUsed));
    const span = Number(raw.readBigUInt64LE(layout.block.walkEnd) - raw.readBigUInt64LE(layout.block.firstFrag));
    if (!(span > 0 && span < 2 ** 40 && realUsed >= 0)) return undefined;
    // Chunks around free fragments are read too: allow a quarter more and two chunks of slack.
    return Math.min(span, Math.ceil(realUsed * 1.25) + 2 * 1024 * 1024);
  } catch {
    return undefined;
  }
}
