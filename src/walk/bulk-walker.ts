// The bulk walker: kamheap steps the heap itself in large reads of /proc/PID/mem, and sums the
// fragments as it steps them (nothing grows with the fragment count but an asked-for fragment list,
// which goes to a spool file). Two ways to read:
// - live (shm by default): the running process is read, nothing is ever stopped; a fragment torn by
//   an allocation in flight is re-read until it settles (walk-fragments.ts);
// - stopped (pkg, and shm with --stop): while the target is stopped, the chunks the walk needs are
//   captured in a few large reads; after detach the validated walk runs over them.
// Either way, site strings are read from the target's read-only data once each.
import { hostname } from 'node:os';
import { KamheapError } from '../errors.js';
import { TargetSession, type PauseTiming } from '../gdb/target-session.js';
import type { RawFragment } from '../heap/fragment.js';
import { liveSettle, walkHeap, type FragmentVisitor } from '../heap/walk-fragments.js';
import { inspectTarget, isSameProcessAlive, type ProcessInfo } from '../proc/process.js';
import { captureHeap, defaultChunkSize, liveHeap, warmUpCapture, type HeapChunks } from '../memory/heap-capture.js';
import { ChunkPool } from '../memory/chunk-pool.js';
import { estimateCapture } from '../locate/estimate-heap.js';
import { openProcMem, type RawMemory } from '../memory/proc-mem.js';
import { StringTable } from '../memory/read-strings.js';
import { FragmentSpool } from '../snapshot/fragment-list.js';
import { SiteTally } from '../snapshot/site-tally.js';
import type { WalkConsistency, WalkOutput } from '../snapshot/walk-output.js';
import { placeFromTable, readPlaceFacts, readProcessPlace, type ProcessPlace } from '../locate/process-place.js';
import type { TableFacts } from '../locate/instance-table.js';
import type { KamailioRelease } from '../locate/kamailio-release.js';
import { debuggerOptions, locateHeap, planHeap, planProcessHeap, readExecutableHeap, type ExecutableHeap, type HeapPlan, type LocatedHeap, type WalkRequest } from './walk-request.js';

/** A caller that looks inside the fragments (`inspect`): sees each one as it is walked, then the bytes read. */
export interface FragmentLook {
  visit(fragment: RawFragment, strings: StringTable): void | Promise<void>;
  /** Runs before the read chunks are dropped (a stopped walk keeps them all for this). */
  after(chunks: HeapChunks, memory: RawMemory, output: WalkOutput): Promise<void>;
}

/**
 * A gdb session kept across the processes of one executable (walk --all), with what it already
 * read of the heap's root and layouts: the walk then attaches to this process in that session.
 */
export interface SharedSession {
  session: TargetSession;
  heap: ExecutableHeap;
}

export interface BulkOptions {
  /** Keep the walked fragments for the output (`--fragments`), in a spool file. */
  fragments?: boolean;
  look?: FragmentLook;
  /** Walk in this session (walk --all) instead of one of its own. */
  shared?: SharedSession;
}

/** What was read of the heap, and how long the target was stopped for it (no pause: live). */
interface HeapRead {
  target: ProcessInfo;
  heap: LocatedHeap;
  chunks: HeapChunks;
  /** Read with the target stopped (by this read, or held by the caller for the whole walk). */
  stopped: boolean;
  pause: PauseTiming | undefined;
  release: KamailioRelease;
  /** The process's role and instance, when this walk read the process table (a walk of its own). */
  place?: ProcessPlace | undefined;
}

/** Walks the requested heap with bulk reads. */
export async function bulkWalk(request: WalkRequest, options: BulkOptions = {}): Promise<WalkOutput> {
  // First: an unusable TMPDIR is one line before anything is started.
  const spool = options.fragments ? FragmentSpool.open() : undefined;
  try {
    const memory = openProcMemOrNot(request.pid, options.shared === undefined);
    if (!memory) return await walkThroughDebugger(request, spool, options);
    try {
      return await walkMemory(memory, request, spool, options);
    } finally {
      memory.close();
    }
  } catch (error) {
    spool?.dispose();
    throw error;
  }
}

/**
 * /proc/PID/mem, or undefined when it cannot be opened for want of permission and the caller can
 * read through a debugger instead (ptrace may still be allowed: an LSM or a mount that denies the
 * file alone). A session shared with other processes (walk --all) cannot: its error stands.
 */
function openProcMemOrNot(pid: number, debuggerMayRead: boolean): RawMemory | undefined {
  try {
    return openProcMem(pid);
  } catch (error) {
    if (debuggerMayRead && error instanceof KamheapError && error.kind === 'permission') return undefined;
    throw error;
  }
}

/**
 * The whole walk inside one attach, every read through the debugger (MI -data-read-memory-bytes,
 * DAP readMemory), which reads only a stopped target: the heap, its header and the site strings.
 * Slower and a longer pause than reading /proc/PID/mem, but the same snapshot.
 */
async function walkThroughDebugger(request: WalkRequest, spool: FragmentSpool | undefined, options: BulkOptions): Promise<WalkOutput> {
  const { pid, control } = request;
  const session = await TargetSession.open({ pid, control, maxPauseMs: request.maxPauseMs, startTime: request.startTime, ...debuggerOptions(request) });
  return session.closeAfter(async () => {
    // The symbol and layout questions first, while the target runs: the debugger answers them from the executable.
    const executable = await readExecutableHeap(session, request);
    const table = await readPlaceFacts(session, executable.knowledge.release);
    await session.attach();
    request.onPhase?.('attached');
    const output = await walkMemory(debuggerMemory(session), request, spool, { ...options, held: { session, executable, table } });
    const pause = await session.detach();
    request.onPhase?.('detached');
    return { ...output, pauseMs: pause.pauseMs, attachMs: pause.attachMs, detachMs: pause.detachMs };
  });
}

/** The stopped target's memory as the session's debugger reads it, each read under the session's deadline. */
function debuggerMemory(session: TargetSession): RawMemory {
  return {
    async read(address, length, into) {
      const bytes = await session.command((gdb) => gdb.readMemory(address, length, session.limits.commandMs));
      if (!into) return bytes;
      bytes.copy(into, 0, 0, length);
      return into.subarray(0, length);
    },
    close() {},
  };
}

/** Finds and reads the heap (live or stopped), then walks and sums it. */
async function walkMemory(memory: RawMemory, request: WalkRequest, spool: FragmentSpool | undefined, options: BulkOptions & { held?: HeldTarget }): Promise<WalkOutput> {
  const started = performance.now();
  const { pid, control } = request;
  const { look, shared, held } = options;
  const keep = look !== undefined;
  const read = held ? await readHeld(held, memory, request, keep) : shared ? await readShared(shared, memory, request, keep) : await readAlone(memory, request, keep);
  const { heap, chunks } = read;
  const strings = new StringTable(memory);
  const tally = new SiteTally(heap.layout.fragment.debug !== undefined);
  const visit = allOf([tally.add, spool?.visitor(strings, heap.layout.fragment.userOffset), look ? (f: RawFragment) => look.visit(f, strings) : undefined]);
  const walk = await walkHeap(chunks, heap.layout.fragment, heap.header, request.range, visit, {
    control,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    ...(read.stopped ? {} : { settle: liveSettle }),
  });
  await strings.load(tally.pointers());
  const summary = tally.summary(strings.text);
  // The site strings were read from the running target: only a target still alive vouches for them.
  if (!isSameProcessAlive(read.target)) throw new KamheapError('target-exited', `PID ${pid} exited during the walk`);
  const output: WalkOutput = {
    walker: 'bulk',
    pid,
    executable: read.target.executable,
    layout: heap.layout,
    rootSymbol: heap.root.symbol,
    header: heap.header,
    from: request.range.from,
    to: request.range.to,
    summary,
    fragmentsWalked: walk.visited,
    fragments: spool,
    findings: walk.findings,
    complete: walk.complete,
    consistency: { mode: read.stopped ? 'stopped' : 'live', rereads: walk.rereads, unsettled: walk.unsettled },
    pauseMs: read.pause?.pauseMs ?? 0,
    ...(read.pause ? { attachMs: read.pause.attachMs, detachMs: read.pause.detachMs } : {}),
    durationMs: performance.now() - started,
    memoryReads: chunks.stats.reads,
    bytesRead: chunks.stats.bytes,
    process: { host: hostname(), startTime: read.target.startTime, kamailioVersion: read.release.version, place: read.place },
    memorySource: held ? 'debugger' : 'proc',
  };
  await look?.after(chunks, memory, output);
  return output;
}

/** shm is read live unless the caller asks for a stop; a pkg heap only its own process changes, so it is read stopped, exactly. */
export function readsLive(request: Pick<WalkRequest, 'kind' | 'stop'>): boolean {
  return request.kind === 'shm' && request.stop !== true;
}

/** In a gdb session of its own, closed before the walk: gdb is needed only to find the heap and, stopped, for the pause. */
async function readAlone(memory: RawMemory, request: WalkRequest, keep: boolean): Promise<HeapRead> {
  const { pid, control } = request;
  const session = await TargetSession.open({ pid, control, maxPauseMs: request.maxPauseMs, startTime: request.startTime, ...debuggerOptions(request) });
  return session.closeAfter(async () => {
    const plan = await planHeap(session, memory, request);
    // Before any stop: the table costs no pause.
    const place = await readProcessPlace(session, plan.release);
    const read = readsLive(request) ? await readLive(session.target, memory, plan, request) : await capturePaused(session, session.target, memory, plan, request, keep);
    return { ...read, place };
  });
}

/**
 * In a session that already holds the executable and its heap's root (walk --all): only this
 * process's own facts are read (its load bias, its heap's manager and block). A failure lets this
 * process go; the session stays open for the next one when gdb is sound (TargetSession.releaseAfterFailure).
 */
async function readShared({ session, heap }: SharedSession, memory: RawMemory, request: WalkRequest, keep: boolean): Promise<HeapRead> {
  const target = inspectTarget(request.pid, request.startTime);
  const plan = await planProcessHeap(memory, request.pid, heap);
  if (readsLive(request)) return readLive(target, memory, plan, request);
  try {
    return await capturePaused(session, target, memory, plan, request, keep);
  } catch (error) {
    throw await session.releaseAfterFailure(target, error);
  }
}

/** Nothing is stopped: the walk reads the running process as it goes. */
async function readLive(target: ProcessInfo, memory: RawMemory, plan: HeapPlan, request: WalkRequest): Promise<HeapRead> {
  const heap = await locateHeap(memory, plan);
  request.onPhase?.('live');
  return { target, heap, chunks: liveHeap(memory, heap.layout.fragment, heap.header, { control: request.control }), stopped: false, pause: undefined, release: plan.release };
}

/** A target the caller stopped for the whole walk, and what its executable told before. */
interface HeldTarget {
  session: TargetSession;
  executable: ExecutableHeap;
  /** Where the process table is (undefined: not known), read through the same memory as the heap. */
  table: TableFacts | undefined;
}

/** The target already stopped by the caller for the whole walk: plan and capture from memory only, no attach of its own. */
async function readHeld({ session, executable, table }: HeldTarget, memory: RawMemory, request: WalkRequest, keep: boolean): Promise<HeapRead> {
  const plan = await planProcessHeap(memory, request.pid, executable);
  const place = table === undefined ? undefined : await placeFromTable(request.pid, table, memory);
  const heap = await locateHeap(memory, plan);
  const chunks = await captureHeap(memory, heap.layout.fragment, heap.header, request.range, { pool: new ChunkPool(defaultChunkSize), control: request.control, keep });
  return { target: session.target, heap, chunks, stopped: true, pause: undefined, release: plan.release, place };
}

/** Attach, capture the chunks the walk needs, detach: the whole pause. */
async function capturePaused(session: TargetSession, target: ProcessInfo, memory: RawMemory, plan: HeapPlan, request: WalkRequest, keep: boolean): Promise<HeapRead> {
  const pool = await prepareCapture(memory, plan);
  await session.attach(target);
  request.onPhase?.('attached');
  const heap = await locateHeap(memory, plan);
  const chunks = await captureHeap(memory, heap.layout.fragment, heap.header, request.range, { pool, control: request.control, keep });
  const pause = await session.detach();
  request.onPhase?.('detached');
  return { target, heap, chunks, stopped: true, pause, release: plan.release };
}

/**
 * While the target still runs: compiles the capture loop for the layout the heap will most likely
 * be read with, and touches the buffers the capture will read into.
 */
async function prepareCapture(memory: RawMemory, plan: HeapPlan): Promise<ChunkPool> {
  const pool = new ChunkPool(defaultChunkSize);
  await warmUpCapture(plan.layout.fragment);
  const bytes = await estimateCapture(memory, plan.heap, plan.layout);
  if (bytes !== undefined) pool.reserve(bytes);
  return pool;
}

/** One visitor calling each given one in turn; it waits only when one of them does. */
function allOf(visitors: ReadonlyArray<FragmentVisitor | undefined>): FragmentVisitor {
  const all = visitors.filter((v): v is FragmentVisitor => v !== undefined);
  const from = (first: number, fragment: RawFragment): void | Promise<void> => {
    for (let i = first; i < all.length; i++) {
      const done = all[i]?.(fragment);
      if (done) return done.then(() => from(i + 1, fragment));
    }
    return undefined;
  };
  return (fragment) => from(0, fragment);
}
