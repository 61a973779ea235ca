// The one rule for stepping a fragment: its size is the size word less the flag bits, the next
// fragment starts at `frag + overhead + size`, and a step that leaves the heap or breaks the
// allocator's rounding is not a step. The pause-time capture (memory/heap-capture.ts), the
// validated walk (walk-fragments.ts) and the generated GDB script (walk/script-template.ts, from
// the same layout numbers) all step this way.
import type { FlagField, FragmentLayout, WordField } from './layout.js';

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

/** Why a fragment of `size` at `address` cannot be stepped over; undefined when it can. */
export type StepProblem = 'size-out-of-bounds' | 'size-misaligned';

/** The step itself: where the next fragment starts, or what is wrong with this one's size. */
export function stepOver(address: number, size: number, layout: FragmentLayout, heapEnd: number): number | StepProblem {
  const next = address + layout.overhead + size;
  if (next > heapEnd) return 'size-out-of-bounds';
  if (size % layout.roundTo !== 0) return 'size-misaligned';
  return next;
}

/** Where the walk ends: the walk end plus the trailer size (see BlockLayout.walkEnd). */
export function heapEndOf(walkEnd: number, layout: FragmentLayout): number {
  return walkEnd + (layout.trailer?.size ?? 0);
}
