// The bulk walker: while the target is stopped, capture the heap's chunks in a few large reads;
// after detach, walk and validate the captured fragments in TypeScript and resolve the site
// strings from read-only memory.
import { KamheapError } from '../errors.js';
import { TargetSession, type PauseTiming } from '../gdb/target-session.js';
import type { RawFragment } from '../heap/fragment.js';
import { walkFragments } from '../heap/walk-fragments.js';
import { inspectTarget, isSameProcessAlive, type ProcessInfo } from '../proc/process.js';
import { captureHeap, defaultChunkSize, warmUpCapture, type CapturedHeap } from '../memory/heap-capture.js';
import { ChunkPool } from '../memory/chunk-pool.js';
import { estimateCapture } from '../locate/estimate-heap.js';
import { openProcMem, type RawMemory } from '../memory/proc-mem.js';
import { resolveStrings } from '../memory/read-strings.js';
import type { ResolvedFragment, WalkOutput } from '../snapshot/walk-output.js';
import { locateHeap, planHeap, planProcessHeap, type ExecutableHeap, type HeapPlan, type LocatedHeap, type WalkRequest } from './walk-request.js';

/** What the walk read during the pause, for callers that look inside fragments (`inspect`). */
export type CapturedAccess = (captured: CapturedHeap, memory: RawMemory, output: WalkOutput) => Promise<void>;

/**
 * A gdb session kept across the processes of one executable (walk --all), with what it already
 * read of the heap's root and layouts: the walk then attaches to this process in that session.
 */
export interface SharedSession {
  session: TargetSession;
  heap: ExecutableHeap;
}

/** What the pause yielded. */
interface Capture {
  target: ProcessInfo;
  heap: LocatedHeap;
  captured: CapturedHeap;
  pause: PauseTiming;
}

/**
 * Walks the requested heap with bulk reads, in a gdb session of its own or in `shared`;
 * `withCaptured` runs before the captured bytes are dropped.
 */
export async function bulkWalk(request: WalkRequest, withCaptured?: CapturedAccess, shared?: SharedSession): Promise<WalkOutput> {
  const started = performance.now();
  const { pid, control } = request;
  const memory = openProcMem(pid);
  try {
    const { target, heap, captured, pause } = shared ? await captureShared(shared, memory, request) : await captureAlone(memory, request);
    const walk = await walkFragments(captured, heap.layout.fragment, heap.header, request.range, { control, ...(request.onProgress ? { onProgress: request.onProgress } : {}) });
    const stats = captured.stats;
    const fragments = await resolveFragments(memory, walk.fragments);
    // The site strings were read from the running target: only a target still alive vouches for them.
    if (!isSameProcessAlive(target)) throw new KamheapError('target-exited', `PID ${pid} exited during the walk`);
    const output: WalkOutput = {
      walker: 'bulk',
      pid,
      executable: target.executable,
      layout: heap.layout,
      rootSymbol: heap.root.symbol,
      header: heap.header,
      from: request.range.from,
      to: request.range.to,
      fragments,
      findings: walk.findings,
      complete: walk.complete,
      pauseMs: pause.pauseMs,
      attachMs: pause.attachMs,
      detachMs: pause.detachMs,
      durationMs: performance.now() - started,
      memoryReads: stats.reads,
      bytesRead: stats.bytes,
    };
    await withCaptured?.(captured, memory, output);
    return output;
  } finally {
    memory.close();
  }
}

/** In a gdb session of its own: opened for this process, closed once it is detached. */
async function captureAlone(memory: RawMemory, request: WalkRequest): Promise<Capture> {
  const { pid, control } = request;
  const session = await TargetSession.open({ pid, control, maxPauseMs: request.maxPauseMs, startTime: request.startTime, ...(request.gdbPath === undefined ? {} : { gdbPath: request.gdbPath }) });
  return session.closeAfter(async () => capturePaused(session, session.target, memory, await planHeap(session, memory, request), request));
}

/**
 * In a session that already holds the executable and its heap's root: only this process's own
 * facts are read (its load bias, its heap's manager and block). A failure lets this process go;
 * the session stays open for the next one when gdb is sound (TargetSession.releaseAfterFailure).
 */
async function captureShared({ session, heap }: SharedSession, memory: RawMemory, request: WalkRequest): Promise<Capture> {
  const target = inspectTarget(request.pid, request.startTime);
  try {
    return await capturePaused(session, target, memory, await planProcessHeap(memory, request.pid, heap), request);
  } catch (error) {
    throw await session.releaseAfterFailure(target, error);
  }
}

/** Attach, read the heap's chunks, detach: the whole pause. */
async function capturePaused(session: TargetSession, target: ProcessInfo, memory: RawMemory, plan: HeapPlan, request: WalkRequest): Promise<Capture> {
  const pool = await prepareCapture(memory, plan);
  await session.attach(target);
  request.onPhase?.('attached');
  const heap = await locateHeap(memory, plan);
  const captured = await captureHeap(memory, heap.layout.fragment, heap.header, request.range, { pool, control: request.control });
  const pause = await session.detach();
  request.onPhase?.('detached');
  return { target, heap, captured, pause };
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

/** Replaces debug-field pointers by their text, reading each distinct pointer once. */
async function resolveFragments(memory: RawMemory, raw: RawFragment[]): Promise<ResolvedFragment[]> {
  const pointers = new Set<number>();
  for (const f of raw) {
    pointers.add(f.filePtr).add(f.funcPtr).add(f.mnamePtr);
  }
  const text = await resolveStrings(memory, [...pointers].map(BigInt));
  return applyStrings(raw, (pointer) => text.get(BigInt(pointer)) ?? '');
}

/**
 * Fragments with their site text. As the walk script prints them: no site unless file and func
 * are both set, no module unless mname is too.
 */
export function applyStrings(raw: readonly RawFragment[], str: (pointer: number) => string): ResolvedFragment[] {
  return raw.map((f) => {
    const site = f.filePtr !== 0 && f.funcPtr !== 0;
    return {
      index: f.index,
      frag: BigInt(f.frag),
      size: BigInt(f.size),
      free: f.free,
      module: site && f.mnamePtr !== 0 ? str(f.mnamePtr) : '',
      file: site ? str(f.filePtr) : '',
      function: site ? str(f.funcPtr) : '',
      line: f.line,
    };
  });
}
