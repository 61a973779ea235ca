// The walk itself, allocator-agnostic: step from the first fragment to the walk end using the
// layout's offsets, validate every header before trusting it, and collect the requested range.
// This loop runs while the target is stopped, so it avoids BigInt and per-fragment allocations.
import type { Finding, FindingKind, RawFragment, WalkRange, WalkResult } from './fragment.js';
import type { CheckPattern, FragmentLayout } from './layout.js';

/** A view of target memory: `offset` in `buffer` holds the byte at the requested address. */
export interface MemorySlice {
  buffer: Buffer;
  offset: number;
}

/** Random access to target memory; implementations batch reads into large chunks. */
export interface MemoryView {
  /** At least `length` bytes at `address` (a number: see fragment.ts), or throws MemoryReadError. */
  slice(address: number, length: number): MemorySlice | Promise<MemorySlice>;
}

export interface WalkBounds {
  firstFrag: bigint;
  /** Where the walk stops (q_malloc: last_frag_end). */
  walkEnd: bigint;
}

const progressEvery = 8192;
const two32 = 4294967296;

/** An unsigned 64-bit little-endian word as a number (exact below 2^53, which covers addresses and sizes). */
export function readWord(buffer: Buffer, offset: number): number {
  return buffer.readUInt32LE(offset) + buffer.readUInt32LE(offset + 4) * two32;
}

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
  const { headerSize, trailerSize, roundTo } = layout;
  const walkEnd = Number(bounds.walkEnd);
  const heapEnd = walkEnd + trailerSize;
  const to = range.to ?? Number.POSITIVE_INFINITY;
  const checks = layout.checks.map((check) => ({ ...check, expected: Number(check.value) }));
  const stop = (kind: FindingKind, index: number, address: number, message: string): WalkResult => {
    findings.push({ kind, index, address: BigInt(address), message });
    return { fragments, findings, complete: false, stepped: index };
  };
  let address = Number(bounds.firstFrag);
  let index = 0;
  while (address < walkEnd && index < to) {
    try {
      // Cache hits come back synchronously: awaiting only real promises keeps 100k fragments off
      // the microtask queue.
      const headRead = memory.slice(address, headerSize);
      const head = headRead instanceof Promise ? await headRead : headRead;
      const size = readWord(head.buffer, head.offset + layout.size);
      const trailerAt = address + headerSize + size;
      if (trailerAt + trailerSize > heapEnd) {
        return stop('size-out-of-bounds', index, address, `fragment size ${size} at ${hexOf(address)} runs past the heap end ${hexOf(heapEnd)}`);
      }
      if (size % roundTo !== 0) {
        return stop('size-misaligned', index, address, `fragment size ${size} is not a multiple of ${roundTo}`);
      }
      const tailRead = memory.slice(trailerAt, trailerSize);
      const tail = tailRead instanceof Promise ? await tailRead : tailRead;
      // (An evicted chunk stays valid while `head` refers to it: eviction only drops the cache entry.)
      const broken = brokenCheck(checks, head, tail);
      if (broken) return stop('check-pattern', index, address, broken);
      if (index >= range.from) fragments.push(toRawFragment(layout, index, address, size, head));
      address = trailerAt + trailerSize;
    } catch (error) {
      return stop('read-error', index, address, error instanceof Error ? error.message : String(error));
    }
    index++;
    if (onProgress && index % progressEvery === 0) onProgress(index);
  }
  const reachedEnd = address === heapEnd || index >= to;
  if (!reachedEnd) {
    findings.push({
      kind: 'walk-error',
      index,
      address: BigInt(address),
      message: `walk stopped at ${hexOf(address)}, not at the heap end ${hexOf(heapEnd)}`,
    });
  }
  onProgress?.(index);
  return { fragments, findings, complete: reachedEnd, stepped: index };
}

/** Describes the first check word that lost its pattern, if any. */
function brokenCheck(checks: ReadonlyArray<CheckPattern & { expected: number }>, head: MemorySlice, tail: MemorySlice): string | undefined {
  for (const check of checks) {
    const at = check.inTrailer ? tail : head;
    const value = readWord(at.buffer, at.offset + check.offset);
    if (value !== check.expected) {
      const actual = at.buffer.readBigUInt64LE(at.offset + check.offset);
      return `${check.inTrailer ? 'end' : 'start'} check ${check.name}=0x${actual.toString(16)}, expected 0x${check.value.toString(16)}`;
    }
  }
  return undefined;
}

/** Reads the fields a summary needs from a validated header. */
function toRawFragment(layout: FragmentLayout, index: number, frag: number, size: number, head: MemorySlice): RawFragment {
  const { buffer, offset } = head;
  const debug = layout.debug;
  return {
    index,
    frag,
    size,
    free: buffer.readUInt32LE(offset + layout.isFree) !== 0 || buffer.readUInt32LE(offset + layout.isFree + 4) !== 0,
    filePtr: debug ? readWord(buffer, offset + debug.file) : 0,
    funcPtr: debug ? readWord(buffer, offset + debug.func) : 0,
    mnamePtr: debug ? readWord(buffer, offset + debug.mname) : 0,
    line: debug ? readWord(buffer, offset + debug.line) : 0,
  };
}

function hexOf(address: number): string {
  return `0x${address.toString(16)}`;
}
