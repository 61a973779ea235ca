// A built-in profile is a claim about a binary kamheap has no types for. Before a walk (or ps,
// info, doctor) trusts it, it must fit the running heap: a plausible block header, and the first
// 16 fragments stepping cleanly with the profile's sizes, flags and check words. A profile that
// does not fit is an unknown layout (exit 13), never a corruption finding on a healthy heap; the
// price is that a heap broken within its first 16 fragments is reported as an unknown layout too
// (every wrong layout seen fails at fragment 0, so fewer would do today; 16 leaves a margin for
// layouts of releases not seen yet).
import { setTimeout as sleep } from 'node:timers/promises';
import { KamheapError } from '../errors.js';
import type { HeapLayout } from '../heap/layout.js';
import { sliceOf, walkFragments, type MemoryView } from '../heap/walk-fragments.js';
import type { RawMemory } from '../memory/proc-mem.js';
import { releaseName, type KamailioRelease } from './kamailio-release.js';
import { readHeapHeader, type HeapRoot } from './heap-header.js';

/** Fragments stepped: the first ones are the oldest and steadiest of a heap (allocated at start-up). */
const fitFragments = 16;
/** The process runs: a read torn by an allocation in flight gets two more tries. */
const attempts = 3;

/** Throws "unknown layout" when `layout` does not fit the heap at `heap` (over its first `fragments`). */
export async function checkLayoutFits(memory: RawMemory, heap: HeapRoot, layout: HeapLayout, release: KamailioRelease, fragments = fitFragments): Promise<void> {
  let problem: string | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    problem = await misfit(memory, heap, layout, fragments);
    if (problem === undefined) return;
    await sleep(10);
  }
  throw new KamheapError(
    'heap-not-found',
    `unknown layout for ${releaseName(release)} (${heap.kind} heap, ${heap.allocator}): the built-in profile ${layout.id} does not fit it (${problem}); install the executable's debug symbols (the -dbgsym package) so that kamheap reads the layout from DWARF (and can tell a heap corrupt at its very start)`,
  );
}

/** Why the layout does not fit, or undefined when the header and the first fragments read right. */
async function misfit(memory: RawMemory, heap: HeapRoot, layout: HeapLayout, fragments: number): Promise<string | undefined> {
  let header;
  try {
    header = await readHeapHeader(memory, heap, layout);
  } catch (error) {
    return error instanceof KamheapError ? error.message : String(error);
  }
  const walk = await walkFragments(liveView(memory), layout.fragment, header, { from: 0, to: fragments });
  const finding = walk.findings[0];
  return finding ? `fragment ${finding.index}: ${finding.message}` : undefined;
}

/** The running process's memory as the walk reads it, each slice read at once. */
function liveView(memory: RawMemory): MemoryView {
  return { slice: async (address, length) => sliceOf(await memory.read(BigInt(address), length), 0) };
}
