// What a caller asks a walker for, and the heap a walker found.
import type { WalkRange } from '../heap/fragment.js';
import type { HeapLayout } from '../heap/layout.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import type { HeapHeader } from '../snapshot/walk-output.js';
import type { RawMemory } from '../memory/proc-mem.js';
import { KamheapError } from '../errors.js';
import { readDwarfLayouts, type DwarfLayouts } from '../locate/choose-layout.js';
import { resolveHeapRoot, type HeapRootSymbol, type ResolvedRoot } from '../locate/heap-roots.js';
import { loadBias } from '../locate/load-bias.js';
import { heapRootAt, layoutForRoot, readHeapHeader, type HeapRoot } from '../locate/locate-heap.js';
import type { AttachOptions } from '../gdb/attached-target.js';

export interface WalkRequest {
  pid: number;
  kind: HeapKind;
  range: WalkRange;
  /** Reach the heap through this root instead of the first automatic one (`--heap-symbol`). */
  heapSymbol?: HeapRootSymbol;
  gdbPath?: string;
  commandTimeoutMs?: number;
  signal?: AbortSignal;
  /** Fragments walked so far. */
  onProgress?: (fragments: number) => void;
  onPhase?: (phase: 'attached' | 'detached') => void;
}

export interface LocatedHeap {
  root: HeapRoot;
  layout: HeapLayout;
  header: HeapHeader;
}

export interface PreparedAttach {
  options: AttachOptions;
  /** Filled before the attach: the layouts the executable's DWARF describes. */
  dwarf: DwarfLayouts;
  /** Filled before the attach: the heap's root symbol and its runtime address. */
  root: { resolved?: ResolvedRoot; address?: bigint };
}

/**
 * Root, allocator, layout and block header of the requested heap, read from memory alone: the
 * root symbol was resolved before the attach, so no gdb round trip is spent while the target waits.
 */
export async function locateHeap(memory: RawMemory, pid: number, prepared: PreparedAttach): Promise<LocatedHeap> {
  const { resolved, address } = prepared.root;
  if (!resolved || address === undefined) throw new KamheapError('heap-not-found', `the heap root of PID ${pid} was not resolved`);
  const root = await heapRootAt(memory, pid, resolved, address);
  const layout = layoutForRoot(prepared.dwarf, root);
  const header = await readHeapHeader(memory, root, layout);
  return { root, layout, header };
}

/**
 * The attach options shared by both walkers. Before the target is stopped, non-Kamailio processes
 * are refused and the DWARF layouts are read, so neither costs pause.
 */
export function prepareAttach(
  request: Pick<WalkRequest, 'pid' | 'kind' | 'heapSymbol' | 'gdbPath' | 'commandTimeoutMs' | 'signal' | 'onPhase'>,
  warmUp?: (root: ResolvedRoot, address: bigint, dwarf: DwarfLayouts) => Promise<void>,
): PreparedAttach {
  const { pid, kind, heapSymbol, gdbPath, commandTimeoutMs, signal, onPhase } = request;
  const timeoutMs = commandTimeoutMs ?? 30_000;
  const dwarf: DwarfLayouts = {};
  const root: PreparedAttach['root'] = {};
  const options: AttachOptions = {
    pid,
    beforeAttach: async (gdb) => {
      const resolved = await resolveHeapRoot(gdb, pid, kind, timeoutMs, heapSymbol);
      const address = loadBias(pid) + resolved.linkAddress;
      Object.assign(root, { resolved, address });
      Object.assign(dwarf, await readDwarfLayouts(gdb, timeoutMs));
      await warmUp?.(resolved, address, dwarf);
    },
    ...(gdbPath === undefined ? {} : { gdbPath }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    ...(signal === undefined ? {} : { signal }),
    ...(onPhase === undefined ? {} : { onPhase }),
  };
  return { options, dwarf, root };
}
