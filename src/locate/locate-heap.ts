// Finds the heap of a kind in an attached Kamailio: the memory API root symbol, its manager name,
// its block header, and the layout to read it with.
import { GdbCommandError, KamheapError } from '../errors.js';
import { sendDataEvaluateExpression } from '../gdb/commands.js';
import type { AttachedTarget } from '../gdb/attached-target.js';
import type { GdbSession } from '../gdb/gdb-session.js';
import { blockSpan, resolveAddress, type AllocatorName, type HeapLayout } from '../heap/layout.js';
import { allocatorFromName, memApiLayout } from '../heap/layout-profiles.js';
import { readCString } from '../memory/read-strings.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import type { HeapHeader } from '../snapshot/walk-output.js';

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
export async function assertKamailioExecutable(gdb: GdbSession, pid: number, kind: HeapKind, timeoutMs: number): Promise<bigint> {
  const symbol = rootSymbols[kind];
  try {
    return BigInt(await sendDataEvaluateExpression(gdb, `(unsigned long)&${symbol}`, timeoutMs));
  } catch (error) {
    if (error instanceof GdbCommandError) {
      throw new KamheapError('not-kamailio', `PID ${pid} is not a Kamailio process (its executable has no ${symbol})`, { cause: error });
    }
    throw error;
  }
}

/** Address of the heap's API struct; a process without it is not Kamailio (or too old a one). */
export async function findHeapRoot(target: AttachedTarget, memory: RawMemory, kind: HeapKind): Promise<HeapRoot> {
  const symbol = rootSymbols[kind];
  let rootAddress: bigint;
  try {
    rootAddress = BigInt(await sendDataEvaluateExpression(target.gdb, `(unsigned long)&${symbol}`, target.commandTimeoutMs));
  } catch (error) {
    if (error instanceof GdbCommandError) {
      throw new KamheapError('not-kamailio', `PID ${target.pid} is not a Kamailio process (no symbol ${symbol})`, { cause: error });
    }
    throw error;
  }
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
