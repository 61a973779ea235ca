// Captures the heap while the target is stopped: steps only the fragments' size fields to learn
// which 1 MiB chunks the walk needs, reads those, and keeps them. The validated walk then runs on
// the captured bytes after detach, so the pause holds the reads and little else.
import type { FragmentLayout } from '../heap/layout.js';
import { readSize, type MemorySlice, type MemoryView, type WalkBounds } from '../heap/walk-fragments.js';
import type { WalkRange } from '../heap/fragment.js';
import { MemoryReadError } from '../errors.js';
import type { RunControl } from '../run-control.js';
import type { RawMemory } from './proc-mem.js';
import type { ChunkPool } from './chunk-pool.js';

/** Read size: large enough that 100k fragments take a few dozen reads, small enough to skip free tails. */
export const defaultChunkSize = 1024 * 1024;

export interface CaptureOptions {
  chunkSize?: number;
  /** Buffers touched before the attach. */
  pool?: ChunkPool;
  /** Checked between chunk reads: a signal, --timeout or --max-pause ends the capture at once. */
  control?: RunControl;
}

export interface ReadStats {
  reads: number;
  bytes: number;
  readMs: number;
}

/** The chunks of target memory read during the pause, served as a MemoryView. */
export class CapturedHeap implements MemoryView {
  readonly stats: ReadStats = { reads: 0, bytes: 0, readMs: 0 };
  private readonly chunks = new Map<number, Buffer>();
  private readonly start: number;
  private readonly end: number;
  private readonly chunkSize: number;
  // The chunk of the last slice: the walk stays in one chunk for thousands of fragments.
  private lastIndex = -1;
  private lastChunk: Buffer | undefined;

  constructor(
    private readonly memory: RawMemory,
    start: bigint,
    end: bigint,
    private readonly options: CaptureOptions = {},
  ) {
    this.start = Number(start);
    this.end = Number(end);
    this.chunkSize = options.chunkSize ?? defaultChunkSize;
  }

  /** Reads every chunk overlapping [address, address+length) not captured yet; undefined when none. */
  ensure(address: number, length: number): Promise<void> | undefined {
    const first = this.chunkOf(address);
    const last = this.chunkOf(address + length - 1);
    // The common case, both ends in captured chunks, costs no promise.
    if (this.chunks.has(first) && this.chunks.has(last)) return undefined;
    return this.read(first, last);
  }

  private async read(first: number, last: number): Promise<void> {
    for (let index = first; index <= last; index++) {
      if (this.chunks.has(index)) continue;
      await this.options.control?.checkpoint();
      const start = this.start + index * this.chunkSize;
      const end = Math.min(start + this.chunkSize, this.end);
      const into = this.options.pool?.take(end - start);
      const t0 = performance.now();
      this.chunks.set(index, await this.memory.read(BigInt(start), end - start, into));
      this.stats.readMs += performance.now() - t0;
      this.stats.reads++;
      this.stats.bytes += end - start;
    }
  }

  slice(address: number, length: number): MemorySlice {
    const first = this.chunkOf(address);
    const last = this.chunkOf(address + length - 1);
    const chunk = first === this.lastIndex ? this.lastChunk : this.remember(first);
    if (first === last && chunk) {
      const offset = address - (this.start + first * this.chunkSize);
      if (offset + length <= chunk.length) return { buffer: chunk, offset };
    }
    return { buffer: this.copySpan(address, length), offset: 0 };
  }

  /** The captured chunk holding all of [address, address+length), with its start address. */
  chunkHolding(address: number, length: number): { buffer: Buffer; start: number } | undefined {
    const index = this.chunkOf(address);
    const buffer = this.chunks.get(index);
    const start = this.start + index * this.chunkSize;
    return buffer && address + length <= start + buffer.length ? { buffer, start } : undefined;
  }

  private remember(index: number): Buffer | undefined {
    const chunk = this.chunks.get(index);
    if (chunk) {
      this.lastIndex = index;
      this.lastChunk = chunk;
    }
    return chunk;
  }

  /** A span across two chunks (a header at a chunk boundary), copied out of both. */
  private copySpan(address: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const at = address + done;
      const index = this.chunkOf(at);
      const chunk = this.chunks.get(index);
      if (!chunk || at >= this.end) throw new MemoryReadError(BigInt(address), length);
      const offset = at - (this.start + index * this.chunkSize);
      const n = Math.min(length - done, chunk.length - offset);
      chunk.copy(out, done, offset, offset + n);
      done += n;
    }
    return out;
  }

  private chunkOf(address: number): number {
    return Math.floor((address - this.start) / this.chunkSize);
  }
}

/**
 * Steps the size fields from the first fragment and captures the chunks holding each header and
 * trailer. Stops quietly at a size that leaves the heap: the validated walk reports it.
 */
export async function captureHeap(
  memory: RawMemory,
  layout: FragmentLayout,
  bounds: WalkBounds,
  range: WalkRange,
  options: CaptureOptions = {},
): Promise<CapturedHeap> {
  const { headerSize, overhead, roundTo } = layout;
  const trailerOffset = layout.trailer?.offset ?? 0;
  const trailerSize = layout.trailer?.size ?? 0;
  const walkEnd = Number(bounds.walkEnd);
  const heapEnd = walkEnd + trailerSize;
  const captured = new CapturedHeap(memory, bounds.firstFrag, BigInt(heapEnd), options);
  const to = range.to ?? Number.POSITIVE_INFINITY;
  let address = Number(bounds.firstFrag);
  // The chunk the walk is in: while header and trailer stay inside it (nearly always), a fragment
  // costs two comparisons and one size read, no call into the cache.
  let chunk: Buffer | undefined;
  let chunkStart = 0;
  let chunkEnd = 0;
  try {
    for (let index = 0; address < walkEnd && index < to; index++) {
      let size: number;
      if (chunk && address >= chunkStart && address + headerSize <= chunkEnd) {
        size = readSize(chunk, address - chunkStart, layout);
      } else {
        const headRead = captured.ensure(address, headerSize);
        if (headRead) await headRead;
        const holder = captured.chunkHolding(address, headerSize);
        if (holder) {
          chunk = holder.buffer;
          chunkStart = holder.start;
          chunkEnd = holder.start + holder.buffer.length;
        }
        const head = captured.slice(address, headerSize);
        size = readSize(head.buffer, head.offset, layout);
      }
      const next = address + overhead + size;
      if (next > heapEnd || size % roundTo !== 0) break;
      const trailerAt = address + trailerOffset + size;
      if (trailerSize > 0 && (trailerAt < chunkStart || trailerAt + trailerSize > chunkEnd)) {
        const tailRead = captured.ensure(trailerAt, trailerSize);
        if (tailRead) await tailRead;
      }
      address = next;
    }
  } catch (error) {
    // An unreadable chunk ends the capture; the walk meets the same gap and reports a read-error
    // finding with the fragments before it.
    if (!(error instanceof MemoryReadError)) throw error;
  }
  return captured;
}

/**
 * Runs the capture loop over a synthetic in-memory heap so V8 has compiled it before the target is
 * stopped: on a cold start the first 30k fragments cost ~60 ms more than the warm loop.
 */
export async function warmUpCapture(layout: FragmentLayout, fragments = 20_000): Promise<void> {
  const size = layout.roundTo * 2;
  const stride = layout.overhead + size;
  const trailerSize = layout.trailer?.size ?? 0;
  const heap = Buffer.alloc(stride * fragments + layout.headerSize);
  for (let at = 0; at + stride <= heap.length; at += stride) heap.writeUInt32LE(size, at + layout.size.offset);
  const base = 0x10000000;
  const memory: RawMemory = {
    read: (address, length) => heap.subarray(Number(address) - base, Number(address) - base + length),
    close: () => undefined,
  };
  const walkEnd = BigInt(base + stride * fragments - trailerSize);
  await captureHeap(memory, layout, { firstFrag: BigInt(base), walkEnd }, { from: 0, to: undefined });
}
