// The bulk walker: kamheap steps the heap itself in large reads of /proc/PID/mem, and sums the
// fragments as it steps them (nothing grows with the fragment count but an asked-for fragment list,
// which goes to a spool file). Two ways to read:
// - live (shm by default): the running process is read, nothing is ever stopped; a fragment torn by
//   an allocation in flight is re-read until it settles (walk-fragments.ts);
// - stopped (pkg, and shm with --stop): while the target is stopped, the chunks the walk needs are
//   captured in a few large reads; after detach the validated walk runs over them.
// Either way, site strings are read from the target's read-only data once each.
import { KamheapError } from '../errors.js';
import { TargetSession } from '../gdb/target-session.js';
import type { RawFragment } from '../heap/fragment.js';
import { liveSettle, walkHeap, type FragmentVisitor } from '../heap/walk-fragments.js';
import { isSameProcessAlive } from '../proc/process.js';
import { captureHeap, defaultChunkSize, liveHeap, warmUpCapture, type HeapChunks } from '../memory/heap-capture.js';
import { ChunkPool } from '../memory/chunk-pool.js';
import { estimateCapture } from '../locate/estimate-heap.js';
import { openProcMem, type RawMemory } from '../memory/proc-mem.js';
import { StringTable } from '../memory/read-strings.js';
import { FragmentSpool } from '../snapshot/fragment-list.js';
import { SiteTally } from '../snapshot/site-tally.js';
import type { WalkConsistency, WalkOutput } from '../snapshot/walk-output.js';
import { locateHeap, planHeap, type HeapPlan, type LocatedHeap, type WalkRequest } from './walk-request.js';

/** A caller that looks inside the fragments (`inspect`): sees each one as it is walked, then the bytes read. */
export interface FragmentLook {
  visit(fragment: RawFragment, strings: StringTable): void | Promise<void>;
  /** Runs before the read chunks are dropped (a stopped walk keeps them all for this). */
  after(chunks: HeapChunks, memory: RawMemory, output: WalkOutput): Promise<void>;
}

export interface BulkOptions {
  /** Keep the walked fragments for the output (`--fragments`), in a spool file. */
  fragments?: boolean;
  look?: FragmentLook;
}

/** What was read of the heap, and how long the target was stopped for it. */
interface HeapRead {
  heap: LocatedHeap;
  chunks: HeapChunks;
  pauseMs: number;
  consistency: WalkConsistency['mode'];
}

/** Walks the requested heap with bulk reads. */
export async function bulkWalk(request: WalkRequest, options: BulkOptions = {}): Promise<WalkOutput> {
  // First: an unusable TMPDIR is one line before anything is started.
  const spool = options.fragments ? FragmentSpool.open() : undefined;
  try {
    const memory = openProcMem(request.pid);
    try {
      return await walkMemory(memory, request, spool, options.look);
    } finally {
      memory.close();
    }
  } catch (error) {
    spool?.dispose();
    throw error;
  }
}

/** Finds and reads the heap (live or stopped), then walks and sums it. */
async function walkMemory(memory: RawMemory, request: WalkRequest, spool: FragmentSpool | undefined, look: FragmentLook | undefined): Promise<WalkOutput> {
  const started = performance.now();
  const { pid, control } = request;
  const session = await TargetSession.open({ pid, control, maxPauseMs: request.maxPauseMs, startTime: request.startTime, ...(request.gdbPath === undefined ? {} : { gdbPath: request.gdbPath }) });
  // gdb is needed only to find the heap (and, stopped, for the pause): it is gone before the walk.
  const read = await session.closeAfter(() => (readsLive(request) ? readLive(session, memory, request) : captureStopped(session, memory, request, look !== undefined)));
  const { heap, chunks } = read;
  const strings = new StringTable(memory);
  const tally = new SiteTally(heap.layout.fragment.debug !== undefined);
  const visit = allOf([tally.add, spool?.visitor(strings, heap.layout.fragment.userOffset), look ? (f: RawFragment) => look.visit(f, strings) : undefined]);
  const walk = await walkHeap(chunks, heap.layout.fragment, heap.header, request.range, visit, {
    control,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    ...(read.consistency === 'live' ? { settle: liveSettle } : {}),
  });
  await strings.load(tally.pointers());
  const summary = tally.summary(strings.text);
  // The site strings were read from the running target: only a target still alive vouches for them.
  if (!isSameProcessAlive(session.target)) throw new KamheapError('target-exited', `PID ${pid} exited during the walk`);
  const output: WalkOutput = {
    walker: 'bulk',
    pid,
    executable: session.target.executable,
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
    consistency: { mode: read.consistency, rereads: walk.rereads, unsettled: walk.unsettled },
    pauseMs: read.pauseMs,
    durationMs: performance.now() - started,
    memoryReads: chunks.stats.reads,
    bytesRead: chunks.stats.bytes,
  };
  await look?.after(chunks, memory, output);
  return output;
}

/** shm is read live unless the caller asks for a stop; a pkg heap only its own process changes, so it is read stopped, exactly. */
export function readsLive(request: Pick<WalkRequest, 'kind' | 'stop'>): boolean {
  return request.kind === 'shm' && request.stop !== true;
}

/** Finds the heap; nothing is stopped, the walk reads the running process as it goes. */
async function readLive(session: TargetSession, memory: RawMemory, request: WalkRequest): Promise<HeapRead> {
  const plan = await planHeap(session, memory, request);
  const heap = await locateHeap(memory, plan);
  request.onPhase?.('live');
  return { heap, chunks: liveHeap(memory, heap.layout.fragment, heap.header, { control: request.control }), pauseMs: 0, consistency: 'live' };
}

/** Stops the target for as long as the capture of the chunks the walk needs takes. */
async function captureStopped(session: TargetSession, memory: RawMemory, request: WalkRequest, keep: boolean): Promise<HeapRead> {
  const plan = await planHeap(session, memory, request);
  const pool = await prepareCapture(memory, plan);
  await session.attach();
  request.onPhase?.('attached');
  const heap = await locateHeap(memory, plan);
  const chunks = await captureHeap(memory, heap.layout.fragment, heap.header, request.range, { pool, control: request.control, keep });
  const pauseMs = await session.detach();
  request.onPhase?.('detached');
  return { heap, chunks, pauseMs, consistency: 'stopped' };
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
