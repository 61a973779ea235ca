// Finds the heap of a kind in a Kamailio process: the root it is reached through, its manager,
// its block header, and the layout to read it with.
import { KamheapError } from '../errors.js';
import { blockSpan, resolveAddress, type AllocatorName, type HeapLayout } from '../heap/layout.js';
import { allocatorFromName, memApiLayout } from '../heap/layout-profiles.js';
import { readCString } from '../memory/read-strings.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import type { SymbolSource } from '../debugger/debugger.js';
import { chooseLayout, readDwarfLayouts, type DwarfLayouts } from './choose-layout.js';
import { readRelease, type KamailioRelease } from './kamailio-release.js';
import { checkLayoutFits } from './layout-fit.js';
import { readHeapHeader, type HeapRoot } from './heap-header.js';
import { heapRootSymbols, type ResolvedRoot, type RootShape } from './heap-roots.js';

/**
 * The memory API root of a heap kind (`_pkg_root`, `_shm_root`), for callers that found its
 * runtime address themselves (`ps`, `doctor`): its link address is not needed.
 */
export function apiRoot(kind: HeapKind): ResolvedRoot {
  const entry = heapRootSymbols.find((e) => e.kind === kind && e.shape === 'api');
  if (!entry) throw new Error(`no API root for ${kind}`);
  return { entry, linkAddress: 0n, allocator: undefined };
}

/**
 * The heap behind a root found in the executable, read at its runtime `address`: an API struct
 * names its manager; a bare block pointer's allocator was told by its DWARF type or name.
 */
export async function heapRootAt(memory: RawMemory, pid: number, root: ResolvedRoot, address: bigint): Promise<HeapRoot> {
  const { kind, symbol, shape } = root.entry;
  let mname: string;
  let allocator: AllocatorName | undefined;
  let block: bigint;
  if (shape === 'api') {
    const api = await memory.read(address, memApiLayout.memBlock + 8);
    mname = (await readCString(memory, api.readBigUInt64LE(memApiLayout.mname))) ?? '';
    allocator = allocatorFromName(mname);
    if (!allocator) throw new KamheapError('heap-not-found', `the ${kind} heap of PID ${pid} has an unknown memory manager "${mname}"`);
    block = api.readBigUInt64LE(memApiLayout.memBlock);
  } else {
    allocator = root.allocator;
    if (!allocator) {
      throw new KamheapError(
        'heap-not-found',
        `the ${kind} heap of PID ${pid} is reached through ${symbol} (${root.entry.origin}) and the executable has no debug info to tell its allocator and layout; kamheap's built-in layouts are for Kamailio 5.x: install the build's debug symbols`,
      );
    }
    mname = allocator;
    block = (await memory.read(address, 8)).readBigUInt64LE(0);
  }
  if (block === 0n) throw new KamheapError('heap-not-found', `the ${kind} heap of PID ${pid} is not initialized (${symbol} holds no block)`);
  return { kind, symbol, shape, rootAddress: address, mname, allocator, block };
}

/** What the executable says about its heaps' layouts: its release, and the structs its DWARF describes. */
export interface LayoutKnowledge {
  release: KamailioRelease;
  dwarf: DwarfLayouts;
}

/** Reads the release and the DWARF layouts from the executable gdb holds (no process: before any attach). */
export async function readLayoutKnowledge(gdb: SymbolSource, timeoutMs: number): Promise<LayoutKnowledge> {
  const release = await readRelease(gdb, timeoutMs);
  return { release, dwarf: await readDwarfLayouts(gdb, release, timeoutMs) };
}

/** A heap found from its root, and the layout to read it with. */
export interface ResolvedHeap {
  heap: HeapRoot;
  layout: HeapLayout;
}

/**
 * The heap behind a root and its layout, read from the running process (nothing is stopped: the
 * manager's name and the block never move once Kamailio runs). A built-in profile must first fit
 * the heap (layout-fit.ts): a layout that does not is an unknown layout, never a corrupt heap.
 */
export async function resolveHeap(memory: RawMemory, pid: number, root: ResolvedRoot, address: bigint, knowledge: LayoutKnowledge): Promise<ResolvedHeap> {
  const heap = await heapRootAt(memory, pid, root, address);
  const layout = layoutForRoot(knowledge, heap);
  if (layout.source === 'profile') await checkLayoutFits(memory, heap, layout, knowledge.release);
  return { heap, layout };
}

/**
 * The layout to read a heap with. Built-in profiles describe Kamailio 5.x and are only trusted for
 * heaps found through the memory API; a heap reached through a bare pointer (an older release or a
 * debug build) is read with the layout its own DWARF gives.
 */
export function layoutForRoot(knowledge: LayoutKnowledge, root: HeapRoot): HeapLayout {
  if (root.shape === 'api' || knowledge.dwarf[root.allocator]) return chooseLayout(knowledge.dwarf, root.allocator, knowledge.release);
  throw new KamheapError(
    'heap-not-found',
    `the ${root.kind} heap is reached through ${root.symbol} but the executable's debug info does not describe ${root.allocator}'s structs; kamheap's built-in layouts are for Kamailio 5.x`,
  );
}

/** A heap's totals as its allocator keeps them, with the layout they were read with. */
export interface LiveHeapTotals {
  allocator: AllocatorName;
  layout: HeapLayout;
  size: number;
  used: number;
  realUsed: number;
  maxRealUsed: number;
  /** size - real used, as Kamailio reports free. */
  free: number;
}

/**
 * Reads a heap's totals from a running process (no attach): `ps`, `info` and `doctor`. `root` is
 * where the heap is reached from (default: the memory API), `address` where that root is at runtime.
 */
export async function readHeapTotals(memory: RawMemory, pid: number, root: ResolvedRoot, address: bigint, knowledge: LayoutKnowledge): Promise<LiveHeapTotals> {
  const { heap, layout } = await resolveHeap(memory, pid, root, address, knowledge);
  const header = await readHeapHeader(memory, heap, layout);
  const size = Number(header.size);
  const realUsed = Number(header.realUsed);
  return { allocator: heap.allocator, layout, size, used: Number(header.used), realUsed, maxRealUsed: Number(header.maxRealUsed), free: size - realUsed };
}

