// Finds the heap of a kind in an attached Kamailio: the memory API root symbol, its manager name,
// its block header, and the layout to read it with.
import { KamheapError } from '../errors.js';
import type { AttachedTarget } from '../gdb/attached-target.js';
import type { GdbSession } from '../gdb/gdb-session.js';
import { blockSpan, resolveAddress, type AllocatorName, type HeapLayout } from '../heap/layout.js';
import { allocatorFromName, memApiLayout } from '../heap/layout-profiles.js';
import { readCString } from '../memory/read-strings.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import type { HeapHeader } from '../snapshot/walk-output.js';
import { chooseLayout, type DwarfLayouts } from './choose-layout.js';
import { symbolAddress } from './static-symbols.js';

/** The exported memory API of each heap (src/core/mem/pkg.c, shm.c). */
export const rootSymbols: Record<HeapKind, '_pkg_root' | '_shm_root'> = { pkg: '_pkg_root', shm: '_shm_root' };

export interface HeapRoot {
  kind: HeapKind;
  rootAddress: bigint;
  mname: string;
  allocator: AllocatorName;
  block: bigint;
}

/**
 * Refuses, before stopping anything, an executable without the heap's root symbol; returns the
 * symbol's link-time address (not yet relocated: no process is attached).
 */
export function assertKamailioExecutable(gdb: GdbSession, pid: number, kind: HeapKind, timeoutMs: number): Promise<bigint> {
  return symbolAddress(gdb, pid, rootSymbols[kind], timeoutMs);
}

/** Address of the heap's API struct; a process without it is not Kamailio (or too old a one). */
export async function findHeapRoot(target: AttachedTarget, memory: RawMemory, kind: HeapKind): Promise<HeapRoot> {
  const rootAddress = await symbolAddress(target.gdb, target.pid, rootSymbols[kind], target.commandTimeoutMs);
  return heapRootAt(memory, kind, target.pid, rootAddress);
}

/** The memory API struct at `rootAddress`: manager name, allocator and block. */
export async function heapRootAt(memory: RawMemory, kind: HeapKind, pid: number, rootAddress: bigint): Promise<HeapRoot> {
  const api = await memory.read(rootAddress, memApiLayout.memBlock + 8);
  const mname = (await readCString(memory, api.readBigUInt64LE(memApiLayout.mname))) ?? '';
  const allocator = allocatorFromName(mname);
  if (!allocator) {
    throw new KamheapError('heap-not-found', `the ${kind} heap of PID ${pid} has an unknown memory manager "${mname}"`);
  }
  const block = api.readBigUInt64LE(memApiLayout.memBlock);
  if (block === 0n) throw new KamheapError('heap-not-found', `the ${kind} heap of PID ${pid} is not initialized`);
  return { kind, rootAddress, mname, allocator, block };
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

/** Reads a heap's totals from a running process (no attach): `ps`, `info` and `doctor`. */
export async function readHeapTotals(memory: RawMemory, kind: HeapKind, pid: number, rootAddress: bigint, dwarf: DwarfLayouts = {}): Promise<LiveHeapTotals> {
  const root = await heapRootAt(memory, kind, pid, rootAddress);
  const layout = chooseLayout(dwarf, root.allocator);
  const header = await readHeapHeader(memory, root, layout);
  const size = Number(header.size);
  const realUsed = Number(header.realUsed);
  return { allocator: root.allocator, layout, size, used: Number(header.used), realUsed, maxRealUsed: Number(header.maxRealUsed), free: size - realUsed };
}

