// The bulk walker: while the target is stopped, read the heap in a few large chunks and step the
// fragment headers in TypeScript; after detach, resolve the site strings from read-only memory.
import { withAttachedTarget } from '../gdb/attached-target.js';
import type { RawFragment } from '../heap/fragment.js';
import { walkFragments } from '../heap/walk-fragments.js';
import { inspectProcess } from '../locate/process.js';
import { ChunkedView } from '../memory/chunked-view.js';
import { openProcMem } from '../memory/proc-mem.js';
import { resolveStrings } from '../memory/read-strings.js';
import type { ResolvedFragment, WalkOutput } from '../snapshot/walk-output.js';
import { attachOptions, locateHeap, type WalkRequest } from './walk-request.js';

/** Walks the requested heap with bulk reads. */
export async function bulkWalk(request: WalkRequest): Promise<WalkOutput> {
  const started = performance.now();
  const process = inspectProcess(request.pid);
  const memory = openProcMem(request.pid);
  try {
    const { value, pauseMs } = await withAttachedTarget(attachOptions(request), async (target) => {
      const heap = await locateHeap(target, memory, request.kind);
      const { layout, header } = heap;
      const view = new ChunkedView(memory, header.firstFrag, header.walkEnd + BigInt(layout.fragment.trailerSize));
      const walk = await walkFragments(view, layout.fragment, header, request.range, request.onProgress);
      return { heap, walk, stats: view.stats };
    });
    const { heap, walk, stats } = value;
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
  const pointers = new Set<bigint>();
  for (const f of raw) {
    pointers.add(f.filePtr).add(f.funcPtr).add(f.mnamePtr);
  }
  const text = await resolveStrings(memory, pointers);
  const str = (pointer: bigint): string => text.get(pointer) ?? '';
  return raw.map((f) => ({
    index: f.index,
    frag: f.frag,
    size: f.size,
    free: f.free,
    module: str(f.mnamePtr),
    file: str(f.filePtr),
    function: str(f.funcPtr),
    line: f.line,
  }));
}
