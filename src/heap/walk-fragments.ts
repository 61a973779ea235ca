// The walk itself, allocator-agnostic: step from the first fragment to the walk end using the
// layout's offsets, validate every header before trusting it, and collect the requested range.
import type { Finding, RawFragment, WalkRange, WalkResult } from './fragment.js';
import { fragmentStride, type FragmentLayout } from './layout.js';

/** Random access to target memory; implementations batch reads into large chunks. */
export interface MemoryView {
  /** Bytes [address, address+length), or throws MemoryReadError. */
  bytes(address: bigint, length: number): Promise<Buffer> | Buffer;
}

export interface WalkBounds {
  firstFrag: bigint;
  /** Where the walk stops (q_malloc: last_frag_end). */
  walkEnd: bigint;
}

const progressEvery = 8192;

/** Walks fragments in [bounds.firstFrag, bounds.walkEnd), keeping indices in `range`. */
export async function walkFragments(
  memory: MemoryView,
  layout: FragmentLayout,
  bounds: WalkBounds,
  range: WalkRange,
  onProgress?: (stepped: number) => void,
): Promise<WalkResult> {
  const fragments: RawFragment[] = [];
  const findings: Finding[] = [];
  const heapEnd = bounds.walkEnd + BigInt(layout.trailerSize);
  const header = layout.headerSize;
  let address = bounds.firstFrag;
  let index = 0;
  while (address < bounds.walkEnd && (range.to === undefined || index < range.to)) {
    let head: Buffer;
    let trailer: Buffer;
    try {
      // Cache hits come back synchronously: awaiting only real promises keeps 100k fragments
      // off the microtask queue.
      const headRead = memory.bytes(address, header);
      head = headRead instanceof Promise ? await headRead : headRead;
      const size = head.readBigUInt64LE(layout.size);
      const problem = sizeProblem(layout, address, size, heapEnd);
      if (problem) {
        findings.push({ index, address, ...problem });
        return { fragments, findings, complete: false, stepped: index };
      }
      const trailerRead = memory.bytes(address + BigInt(header) + size, layout.trailerSize);
      trailer = trailerRead instanceof Promise ? await trailerRead : trailerRead;
      const broken = brokenCheck(layout, head, trailer);
      if (broken) {
        findings.push({ kind: 'check-pattern', index, address, message: broken });
        return { fragments, findings, complete: false, stepped: index };
      }
      if (index >= range.from) fragments.push(toRawFragment(layout, index, address, size, head));
      address += fragmentStride(layout, size);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      findings.push({ kind: 'read-error', index, address, message });
      return { fragments, findings, complete: false, stepped: index };
    }
    index++;
    if (onProgress && index % progressEvery === 0) onProgress(index);
  }
  const reachedEnd = address === heapEnd || (range.to !== undefined && index >= range.to);
  if (!reachedEnd) {
    findings.push({
      kind: 'walk-error',
      index,
      address,
      message: `walk stopped at 0x${address.toString(16)}, not at the heap end 0x${heapEnd.toString(16)}`,
    });
  }
  onProgress?.(index);
  return { fragments, findings, complete: reachedEnd, stepped: index };
}

/** A size that would take the walk outside the heap or off the allocator's alignment. */
function sizeProblem(
  layout: FragmentLayout,
  address: bigint,
  size: bigint,
  heapEnd: bigint,
): Pick<Finding, 'kind' | 'message'> | undefined {
  const next = address + fragmentStride(layout, size);
  if (next > heapEnd) {
    return {
      kind: 'size-out-of-bounds',
      message: `fragment size ${size} at 0x${address.toString(16)} runs past the heap end 0x${heapEnd.toString(16)}`,
    };
  }
  if (size % BigInt(layout.roundTo) !== 0n) {
    return { kind: 'size-misaligned', message: `fragment size ${size} is not a multiple of ${layout.roundTo}` };
  }
  return undefined;
}

/** Describes the first check word that lost its pattern, if any. */
function brokenCheck(layout: FragmentLayout, head: Buffer, trailer: Buffer): string | undefined {
  for (const check of layout.checks) {
    const value = (check.inTrailer ? trailer : head).readBigUInt64LE(check.offset);
    if (value !== check.value) {
      const where = check.inTrailer ? 'end' : 'start';
      return `${where} check ${check.name}=0x${value.toString(16)}, expected 0x${check.value.toString(16)}`;
    }
  }
  return undefined;
}

/** Reads the fields a summary needs from a validated header. */
function toRawFragment(layout: FragmentLayout, index: number, frag: bigint, size: bigint, head: Buffer): RawFragment {
  const debug = layout.debug;
  return {
    index,
    frag,
    size,
    free: head.readBigUInt64LE(layout.isFree) !== 0n,
    filePtr: debug ? head.readBigUInt64LE(debug.file) : 0n,
    funcPtr: debug ? head.readBigUInt64LE(debug.func) : 0n,
    mnamePtr: debug ? head.readBigUInt64LE(debug.mname) : 0n,
    line: debug ? Number(head.readBigUInt64LE(debug.line)) : 0,
  };
}
