// What a caller asks a walker for, what is known of the heap before the attach, and the heap a
// walker found once the target is stopped.
import type { WalkRange } from '../heap/fragment.js';
import type { HeapLayout } from '../heap/layout.js';
import type { HeapKind } from '../snapshot/snapshot.js';
import type { HeapHeader } from '../snapshot/walk-output.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { RunControl } from '../run-control.js';
import type { TargetSession } from '../gdb/target-session.js';
import { readDwarfLayouts, type DwarfLayouts } from '../locate/choose-layout.js';
import { resolveHeapRoot, type HeapRootSymbol, type ResolvedRoot } from '../locate/heap-roots.js';
import { loadBias } from '../locate/load-bias.js';
import { heapRootAt, layoutForRoot, readHeapHeader, type HeapRoot } from '../locate/locate-heap.js';

export interface WalkRequest {
  pid: number;
  kind: HeapKind;
  range: WalkRange;
  /** Signals, --timeout and --max-pause: every wait and long loop of the walk answers to it. */
  control: RunControl;
  /** Longest the target may stay stopped (ms); undefined or 0: no limit. */
  maxPauseMs?: number;
  /** Reach the heap through this root instead of the first automatic one (`--heap-symbol`). */
  heapSymbol?: HeapRootSymbol;
  gdbPath?: string;
  /** Fragments walked so far. */
  onProgress?: (fragments: number) => void;
  onPhase?: (phase: 'attached' | 'detached') => void;
}

/** What the executable and the running process tell before anything is stopped. */
export interface HeapPlan {
  /** The heap's root symbol, and where it is in the running process. */
  root: ResolvedRoot;
  address: bigint;
  /** The layouts the executable's DWARF describes. */
  dwarf: DwarfLayouts;
}

export interface LocatedHeap {
  root: HeapRoot;
  layout: HeapLayout;
  header: HeapHeader;
}

/** Finds the heap's root and the DWARF layouts through gdb, while the target still runs: none of it costs pause. */
export async function planHeap(session: TargetSession, request: Pick<WalkRequest, 'kind' | 'heapSymbol'>): Promise<HeapPlan> {
  const { pid } = session;
  const { commandMs } = session.limits;
  const root = await session.command((gdb) => resolveHeapRoot(gdb, pid, request.kind, commandMs, request.heapSymbol));
  const dwarf = await session.command((gdb) => readDwarfLayouts(gdb, commandMs));
  return { root, address: loadBias(pid) + root.linkAddress, dwarf };
}

/** Root, allocator, layout and block header of the planned heap, read from memory alone (no gdb round trip in the pause). */
export async function locateHeap(memory: RawMemory, pid: number, plan: HeapPlan): Promise<LocatedHeap> {
  const root = await heapRootAt(memory, pid, plan.root, plan.address);
  const layout = layoutForRoot(plan.dwarf, root);
  const header = await readHeapHeader(memory, root, layout);
  return { root, layout, header };
}
