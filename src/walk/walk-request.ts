// What a caller asks a walker for, what is known of the heap before the attach, and the heap a
// walker found once the target is stopped.
import type { WalkRange } from '../heap/fragment.js';
import type { HeapLayout } from '../heap/layout.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import type { HeapHeader } from '../heap/heap-nouns.js';
import type { RawMemory } from '../memory/proc-mem.js';
import type { RunControl } from '../run-control.js';
import type { TargetSession } from '../gdb/target-session.js';
import type { DebuggerName } from '../debugger/debugger.js';
import { resolveHeapRoot, type HeapRootSymbol, type ResolvedRoot } from '../locate/heap-roots.js';
import type { KamailioRelease } from '../locate/kamailio-release.js';
import { loadBias } from '../locate/load-bias.js';
import { readHeapHeader, type HeapRoot } from '../locate/heap-header.js';
import { readLayoutKnowledge, resolveHeap, type LayoutKnowledge } from '../locate/locate-heap.js';

export interface WalkRequest {
  pid: number;
  kind: HeapKind;
  range: WalkRange;
  /** Signals, --timeout and --max-pause: every wait and long loop of the walk answers to it. */
  control: RunControl;
  /** Longest the target may stay stopped (ms); undefined or 0: no limit. */
  maxPauseMs?: number;
  /** The PID's start time as the caller saw it; another process under that PID is refused. */
  startTime?: number;
  /** shm: stop the target for the walk, as pkg always is (default: read the running process). */
  stop?: boolean;
  /** Reach the heap through this root instead of the first automatic one (`--heap-symbol`). */
  heapSymbol?: HeapRootSymbol;
  gdbPath?: string;
  /** The debugger that finds the heap and stops the target (default gdb-mi). */
  debugger?: DebuggerName;
  /** Fragments walked so far. */
  onProgress?: (fragments: number) => void;
  /** The target stopped, running again; or 'live': the running process is being read. */
  onPhase?: (phase: 'attached' | 'detached' | 'live') => void;
}

/** What the executable and the running process tell before anything is stopped. */
export interface HeapPlan {
  /** The heap's root symbol, and where it is in the running process. */
  root: ResolvedRoot;
  address: bigint;
  /** The heap's manager and block, and the layout it is read with (a profile checked on the running heap). */
  heap: HeapRoot;
  layout: HeapLayout;
  release: KamailioRelease;
}

export interface LocatedHeap {
  root: HeapRoot;
  layout: HeapLayout;
  header: HeapHeader;
}

/** What the executable tells of a heap kind, the same for every process that runs it: asked of gdb once. */
export interface ExecutableHeap {
  root: ResolvedRoot;
  knowledge: LayoutKnowledge;
}

/**
 * Finds the heap and its layout while the target still runs, none of it costing pause: the root
 * and the layouts through gdb on the executable, the manager and block from the running process.
 */
export async function planHeap(session: TargetSession, memory: RawMemory, request: Pick<WalkRequest, 'kind' | 'heapSymbol'>): Promise<HeapPlan> {
  return planProcessHeap(memory, session.pid, await readExecutableHeap(session, request));
}

/**
 * The heap's root in the executable gdb holds (first: no root means not Kamailio), and the
 * layouts, unless already read (walk --all reads them once for both heap kinds).
 */
export async function readExecutableHeap(session: TargetSession, request: Pick<WalkRequest, 'kind' | 'heapSymbol'>, known?: LayoutKnowledge): Promise<ExecutableHeap> {
  const { commandMs } = session.limits;
  const root = await session.command((gdb) => resolveHeapRoot(gdb, session.pid, request.kind, commandMs, request.heapSymbol));
  const knowledge = known ?? (await session.command((gdb) => readLayoutKnowledge(gdb, commandMs)));
  return { root, knowledge };
}

/**
 * One process's heap from what its executable tells: where the executable is mapped in this very
 * process (its own /proc/PID/maps), then its manager and block from its memory, while it runs.
 */
export async function planProcessHeap(memory: RawMemory, pid: number, { root, knowledge }: ExecutableHeap): Promise<HeapPlan> {
  const address = loadBias(pid) + root.linkAddress;
  const { heap, layout } = await resolveHeap(memory, pid, root, address, knowledge);
  return { root, address, heap, layout, release: knowledge.release };
}

/** The planned heap's block header, read while the target is stopped (memory only: no gdb round trip in the pause). */
export async function locateHeap(memory: RawMemory, plan: HeapPlan): Promise<LocatedHeap> {
  const header = await readHeapHeader(memory, plan.heap, plan.layout);
  return { root: plan.heap, layout: plan.layout, header };
}

/** The debugger options of a request, for TargetSession.open. */
export function debuggerOptions(request: Pick<WalkRequest, 'gdbPath' | 'debugger'>): { gdbPath?: string; debugger?: DebuggerName } {
  return { ...(request.gdbPath === undefined ? {} : { gdbPath: request.gdbPath }), ...(request.debugger === undefined ? {} : { debugger: request.debugger }) };
}
