// What a caller asks a walker for, and the heap a walker found.
import type { WalkRange } from '../heap/fragment.js';
import type { HeapLayout } from '../heap/layout.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import type { HeapHeader } from '../snapshot/walk-output.js';
import type { AttachedTarget } from '../gdb/attached-target.js';
import type { RawMemory } from '../memory/proc-mem.js';
import { chooseLayout } from '../locate/choose-layout.js';
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
export async function locateHeap(target: AttachedTarget, memory: RawMemory, kind: HeapKind): Promise<LocatedHeap> {
  const root = await findHeapRoot(target, memory, kind);
  const layout = await chooseLayout(target.gdb, root.allocator, target.commandTimeoutMs);
  const header = await readHeapHeader(memory, root, layout);
  return { layout, header };
}

/** The attach options shared by both walkers: non-Kamailio processes are refused before they are stopped. */
export function attachOptions(request: Pick<WalkRequest, 'pid' | 'kind' | 'gdbPath' | 'commandTimeoutMs' | 'signal' | 'onPhase'>): AttachOptions {
  const { pid, kind, gdbPath, commandTimeoutMs, signal, onPhase } = request;
  return {
    pid,
    beforeAttach: (gdb) => assertKamailioExecutable(gdb, pid, kind, commandTimeoutMs ?? 30_000),
    ...(gdbPath === undefined ? {} : { gdbPath }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    ...(signal === undefined ? {} : { signal }),
    ...(onPhase === undefined ? {} : { onPhase }),
  };
}
