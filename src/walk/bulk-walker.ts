// The bulk walker: while the target is stopped, capture the heap's chunks in a few large reads;
// after detach, walk and validate the captured fragments in TypeScript and resolve the site
// strings from read-only memory.
import { withAttachedTarget } from '../gdb/attached-target.js';
import type { RawFragment } from '../heap/fragment.js';
import { walkFragments } from '../heap/walk-fragments.js';
import { inspectProcess } from '../locate/process.js';
import { captureHeap, defaultChunkSize, warmUpCapture } from '../memory/heap-capture.js';
import { ChunkPool } from '../memory/chunk-pool.js';
import { estimateCaptureBytes } from '../locate/estimate-heap.js';
import { profileFor } from '../heap/layout-profiles.js';
import { openProcMem } from '../memory/proc-mem.js';
import { resolveStrings } from '../memory/read-strings.js';
import type { ResolvedFragment, WalkOutput } from '../snapshot/walk-output.js';
import { locateHeap, prepareAttach, type WalkRequest } from './walk-request.js';

/** Walks the requested heap with bulk reads. */
export async function bulkWalk(request: WalkRequest): Promise<WalkOutput> {
  const started = performance.now();
  const process = inspectProcess(request.pid);
  const memory = openProcMem(request.pid);
  try {
    // While the target still runs: compile the capture loop (any layout of the same shape will do)
    // and touch the buffers the capture will read into.
    const sample = profileFor('q_malloc');
    const pool = new ChunkPool(defaultChunkSize);
    const { options, dwarf } = prepareAttach(request, async (rootLinkAddress, layouts) => {
      if (sample) await warmUpCapture(sample.fragment);
      const estimate = await estimateCaptureBytes(request.pid, memory, rootLinkAddress, layouts);
      if (estimate !== undefined) pool.reserve(estimate);
    });
    const { value, pauseMs } = await withAttachedTarget(options, async (target) => {
      const heap = await locateHeap(target, memory, request.kind, dwarf);
      const captured = await captureHeap(memory, heap.layout.fragment, heap.header, request.range, { pool });
      return { heap, captured };
    });
    const { heap, captured } = value;
    const walk = await walkFragments(captured, heap.layout.fragment, heap.header, request.range, request.onProgress);
    const stats = captured.stats;
    const fragments = await resolveFragments(memory, walk.fragments);
    return {
      walker: 'bulk',
      pid: request.pid,
      executable: process.executable,
      layout: heap.layout,
      header: heap.header,
      from: request.range.from,
      to: request.range.to,
      fragments,
      findings: walk.findings,
      complete: walk.complete,
      pauseMs,
      durationMs: performance.now() - started,
      memoryReads: stats.reads,
      bytesRead: stats.bytes,
    };
  } finally {
    memory.close();
  }
}

/** Replaces debug-field pointers by their text, reading each distinct pointer once. */
async function resolveFragments(memory: ReturnType<typeof openProcMem>, raw: RawFragment[]): Promise<ResolvedFragment[]> {
  const pointers = new Set<number>();
  for (const f of raw) {
    pointers.add(f.filePtr).add(f.funcPtr).add(f.mnamePtr);
  }
  const text = await resolveStrings(memory, [...pointers].map(BigInt));
  const str = (pointer: number): string => text.get(BigInt(pointer)) ?? '';
  return raw.map((f) => ({
    index: f.index,
    frag: BigInt(f.frag),
    size: BigInt(f.size),
    free: f.free,
    module: str(f.mnamePtr),
    file: str(f.filePtr),
    function: str(f.funcPtr),
    line: f.line,
  }));
}
