// What a caller asks a walker for, and the heap a walker found.
import type { WalkRange } from '../heap/fragment.js';
import type { HeapLayout } from '../heap/layout.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import type { HeapHeader } from '../snapshot/walk-output.js';
import type { AttachedTarget } from '../gdb/attached-target.js';
import type { RawMemory } from '../memory/proc-mem.js';
import { chooseLayout, readDwarfLayouts, type DwarfLayouts } from '../locate/choose-layout.js';
import { assertKamailioExecutable, findHeapRoot, readHeapHeader } from '../locate/locate-heap.js';
import type { AttachOptions } from '../gdb/attached-target.js';

export interface WalkRequest {
  pid: number;
  kind: HeapKind;
  range: WalkRange;
  gdbPath?: string;
  commandTimeoutMs?: number;
  signal?: AbortSignal;
  /** Fragments walked so far. */
  onProgress?: (fragments: number) => void;
  onPhase?: (phase: 'attached' | 'detached') => void;
}

export interface LocatedHeap {
  layout: HeapLayout;
  header: HeapHeader;
}

/** Root symbol, allocator, layout and block header of the requested heap (target attached). */
export async function locateHeap(target: AttachedTarget, memory: RawMemory, kind: HeapKind, dwarf: DwarfLayouts): Promise<LocatedHeap> {
  const root = await findHeapRoot(target, memory, kind);
  const layout = chooseLayout(dwarf, root.allocator);
  const header = await readHeapHeader(memory, root, layout);
  return { layout, header };
}

export interface PreparedAttach {
  options: AttachOptions;
  /** Filled before the attach: the layouts the executable's DWARF describes. */
  dwarf: DwarfLayouts;
}

/**
 * The attach options shared by both walkers. Before the target is stopped, non-Kamailio processes
 * are refused and the DWARF layouts are read, so neither costs pause.
 */
export function prepareAttach(
  request: Pick<WalkRequest, 'pid' | 'kind' | 'gdbPath' | 'commandTimeoutMs' | 'signal' | 'onPhase'>,
  warmUp?: (rootLinkAddress: bigint, dwarf: DwarfLayouts) => Promise<void>,
): PreparedAttach {
  const { pid, kind, gdbPath, commandTimeoutMs, signal, onPhase } = request;
  const timeoutMs = commandTimeoutMs ?? 30_000;
  const dwarf: DwarfLayouts = {};
  const options: AttachOptions = {
    pid,
    beforeAttach: async (gdb) => {
      const rootLinkAddress = await assertKamailioExecutable(gdb, pid, kind, timeoutMs);
      Object.assign(dwarf, await readDwarfLayouts(gdb, timeoutMs));
      await warmUp?.(rootLinkAddress, dwarf);
    },
    ...(gdbPath === undefined ? {} : { gdbPath }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    ...(signal === undefined ? {} : { signal }),
    ...(onPhase === undefined ? {} : { onPhase }),
  };
  return { options, dwarf };
}
