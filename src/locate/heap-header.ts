// A heap as found in a Kamailio process (its root, manager, allocator and block), and its block
// header read with a layout: the totals and the walk's bounds.
import { KamheapError } from '../errors.js';
import { blockSpan, resolveAddress, type AllocatorName, type HeapLayout } from '../heap/layout.js';
import type { HeapHeader, HeapKind } from '../heap/heap-nouns.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { RootShape } from './heap-roots.js';

export interface HeapRoot {
  kind: HeapKind;
  /** The variable the heap was reached through, and its shape. */
  symbol: string;
  shape: RootShape;
  rootAddress: bigint;
  /** The manager's name string (API roots) or the allocator's name (pointer roots). */
  mname: string;
  allocator: AllocatorName;
  block: bigint;
}

/** Reads and sanity-checks the block header (totals and walk bounds). */
export async function readHeapHeader(memory: RawMemory, root: HeapRoot, layout: HeapLayout): Promise<HeapHeader> {
  const b = layout.block;
  const raw = await memory.read(root.block, blockSpan(b));
  const word = (offset: number): bigint => raw.readBigUInt64LE(offset);
  const header: HeapHeader = {
    kind: root.kind,
    block: root.block,
    size: word(b.size),
    used: word(b.used),
    realUsed: word(b.realUsed),
    maxRealUsed: word(b.maxRealUsed),
    firstFrag: resolveAddress(b.firstFrag, root.block, raw),
    walkEnd: resolveAddress(b.walkEnd, root.block, raw),
  };
  const plausible =
    header.firstFrag > root.block && header.walkEnd > header.firstFrag && header.walkEnd - header.firstFrag <= header.size;
  if (!plausible) {
    throw new KamheapError(
      'heap-corrupt',
      `the ${root.kind} heap header at 0x${root.block.toString(16)} is not a ${layout.allocator} block (first 0x${header.firstFrag.toString(16)}, end 0x${header.walkEnd.toString(16)}, size ${header.size})`,
    );
  }
  return header;
}
