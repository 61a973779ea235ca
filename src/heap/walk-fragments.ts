// The walk itself, allocator-agnostic: step from the first fragment to the walk end using the
// layout's offsets, validate every header before trusting it, and collect the requested range.
// This loop runs while the target is stopped, so it avoids BigInt and per-fragment allocations.
import type { Finding, FindingKind, RawFragment, WalkRange, WalkResult } from './fragment.js';
import type { CheckPattern, FlagField, FragmentLayout, WordField } from './layout.js';
import type { RunControl } from '../run-control.js';

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
  /** See BlockLayout.walkEnd: the walk ends exactly at walkEnd + the trailer size. */
  walkEnd: bigint;
}

export interface WalkHooks {
  /** Fragments stepped so far, every few thousand. */
  onProgress?: (stepped: number) => void;
  /** Checked every few thousand fragments: a walk of millions stops at once on a signal or --timeout. */
  control?: RunControl;
}

const progressEvery = 8192;
const two32 = 4294967296;

/** An unsigned 64-bit little-endian word as a number (exact below 2^53, which covers addresses and sizes). */
export function readWord(buffer: Buffer, offset: number): number {
  return buffer.readUInt32LE(offset) + buffer.readUInt32LE(offset + 4) * two32;
}

/** A 4- or 8-byte field as a number. */
export function readField(buffer: Buffer, offset: number, field: WordField): number {
  return field.width === 4 ? buffer.readUInt32LE(offset + field.offset) : readWord(buffer, offset + field.offset);
}

/** The fragment's size: its size word without the flag bits some allocators keep in it. */
export function readSize(buffer: Buffer, offset: number, layout: FragmentLayout): number {
  const at = offset + layout.size.offset;
  const word = readWord(buffer, at);
  return layout.size.flagBits === 0 ? word : word - (buffer.readUInt32LE(at) & layout.size.flagBits);
}

/** True when the flag is set in the header at `offset`. */
export function flagSet(buffer: Buffer, offset: number, field: FlagField): boolean {
  const low = buffer.readUInt32LE(offset + field.offset);
  if (field.mask !== undefined) return (low & field.mask) !== 0;
  return low !== 0 || (field.width === 8 && buffer.readUInt32LE(offset + field.offset + 4) !== 0);
}

/** Walks fragments from bounds.firstFrag to the walk end, keeping indices in `range`. */
export async function walkFragments(
  memory: MemoryView,
  layout: FragmentLayout,
  bounds: WalkBounds,
  range: WalkRange,
  hooks: WalkHooks = {},
): Promise<WalkResult> {
  const { onProgress, control } = hooks;
  const fragments: RawFragment[] = [];
  const findings: Finding[] = [];
  const { headerSize, overhead, roundTo, prevFree } = layout;
  const trailerOffset = layout.trailer?.offset ?? 0;
  const trailerSize = layout.trailer?.size ?? 0;
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
  let previousFree = false;
  while (address < walkEnd && index < to) {
    try {
      // Cache hits come back synchronously: awaiting only real promises keeps 100k fragments off
      // the microtask queue.
      const headRead = memory.slice(address, headerSize);
      const head = headRead instanceof Promise ? await headRead : headRead;
      const size = readSize(head.buffer, head.offset, layout);
      const next = address + overhead + size;
      if (next > heapEnd) {
        return stop('size-out-of-bounds', index, address, `fragment size ${size} at ${hexOf(address)} runs past the heap end ${hexOf(heapEnd)}`);
      }
      if (size % roundTo !== 0) {
        return stop('size-misaligned', index, address, `fragment size ${size} is not a multiple of ${roundTo}`);
      }
      let tail = head;
      if (trailerSize > 0) {
        const tailRead = memory.slice(address + trailerOffset + size, trailerSize);
        tail = tailRead instanceof Promise ? await tailRead : tailRead;
      }
      // (An evicted chunk stays valid while `head` refers to it: eviction only drops the cache entry.)
      const broken = brokenCheck(checks, head, tail);
      if (broken) return stop('check-pattern', index, address, broken);
      const free = flagSet(head.buffer, head.offset, layout.free);
      if (prevFree && flagSet(head.buffer, head.offset, prevFree) !== previousFree) {
        return stop('check-pattern', index, address, `prev-free flag is ${previousFree ? 'clear' : 'set'} but the previous fragment is ${previousFree ? 'free' : 'used'}`);
      }
      previousFree = free;
      if (index >= range.from) fragments.push(toRawFragment(layout, index, address, size, free, head));
      address = next;
    } catch (error) {
      return stop('read-error', index, address, error instanceof Error ? error.message : String(error));
    }
    index++;
    if (index % progressEvery === 0) {
      onProgress?.(index);
      await control?.checkpoint();
    }
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
    if (readField(at.buffer, at.offset, check) !== check.expected) {
      const offset = at.offset + check.offset;
      const actual = check.width === 4 ? BigInt(at.buffer.readUInt32LE(offset)) : at.buffer.readBigUInt64LE(offset);
      return `${check.inTrailer ? 'end' : 'start'} check ${check.name}=0x${actual.toString(16)}, expected 0x${check.value.toString(16)}`;
    }
  }
  return undefined;
}

/** Reads the fields a summary needs from a validated header. */
function toRawFragment(layout: FragmentLayout, index: number, frag: number, size: number, free: boolean, head: MemorySlice): RawFragment {
  const { buffer, offset } = head;
  const debug = layout.debug;
  return {
    index,
    frag,
    size,
    free,
    filePtr: debug ? readWord(buffer, offset + debug.file) : 0,
    funcPtr: debug ? readWord(buffer, offset + debug.func) : 0,
    mnamePtr: debug?.mname !== undefined && (debug.mnameInFree || !free) ? readWord(buffer, offset + debug.mname) : 0,
    line: debug ? readField(buffer, offset, debug.line) : 0,
  };
}

function hexOf(address: number): string {
  return `0x${address.toString(16)}`;
}
