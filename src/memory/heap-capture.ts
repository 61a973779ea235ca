// Heap memory in 1 MiB chunks, in the two ways a walk reads it:
// - stopped: `captureHeap` steps only the fragments' size fields while the target is stopped, to
//   learn which chunks the walk needs, and reads those; the validated walk then runs on the
//   captured chunks after detach, so the pause holds the reads and little else;
// - live: the walk reads each chunk when it first needs it from the running process, and may
//   forget a chunk torn by an allocation in flight to read it again.
// Either way a chunk the walk has passed is dropped (unless the caller keeps the capture, as
// `inspect` does), so memory does not grow with the heap.
import type { FragmentLayout } from '../heap/layout.js';
import { heapEndOf, readSize, stepOver, viewOf } from '../heap/fragment-step.js';
import type { MemoryChunk, MemorySlice, MemoryView, WalkBounds } from '../heap/walk-fragments.js';
import type { WalkRange } from '../heap/fragment.js';
import { MemoryReadError } from '../errors.js';
import type { RunControl } from '../run-control.js';
import type { RawMemory } from './proc-mem.js';
import { ChunkPool } from './chunk-pool.js';

/** Read size: large enough that 100k fragments take a few dozen reads, small enough to skip free tails. */
export const defaultChunkSize = 1024 * 1024;

export interface ChunkOptions {
  chunkSize?: number;
  /** Where chunk buffers come from (touched before the attach, for a stopped capture). */
  pool?: ChunkPool;
  /** Checked between chunk reads of a capture: a signal, --timeout or --max-pause ends it at once. */
  control?: RunControl;
  /** Live memory: a chunk the walk needs is read when first needed (and can be forgotten and read again). */
  live?: boolean;
  /** Keep every chunk until the end (release() does nothing): for callers that look inside fragments later. */
  keep?: boolean;
}

export interface ReadStats {
  reads: number;
  bytes: number;
  readMs: number;
}

/** Heap memory from firstFrag to the heap end, held in chunks: a MemoryView for the walk. */
export class HeapChunks implements MemoryView {
  readonly stats: ReadStats = { reads: 0, bytes: 0, readMs: 0 };
  private readonly chunks = new Map<number, { buffer: Buffer; view: DataView }>();
  private readonly start: number;
  private readonly end: number;
  private readonly chunkSize: number;
  private readonly pool: ChunkPool;
  // Chunks up to this one were dropped behind the walk.
  private releasedTo = -1;

  constructor(
    private readonly memory: RawMemory,
    start: bigint,
    end: bigint,
    private readonly options: ChunkOptions = {},
  ) {
    this.start = Number(start);
    this.end = Number(end);
    this.chunkSize = options.chunkSize ?? options.pool?.chunkSize ?? defaultChunkSize;
    this.pool = options.pool ?? new ChunkPool(this.chunkSize);
  }

  /** Reads every chunk overlapping [address, address+length) not read yet; undefined when none. */
  ensure(address: number, length: number): Promise<void> | undefined {
    const first = this.chunkOf(address);
    const last = this.chunkOf(address + length - 1);
    // The common case, both ends in chunks already read, costs no promise.
    if (this.chunks.has(first) && this.chunks.has(last)) return undefined;
    return this.readChunks(first, last);
  }

  private async readChunks(first: number, last: number): Promise<void> {
    for (let index = first; index <= last; index++) {
      if (this.chunks.has(index)) continue;
      await this.options.control?.checkpoint();
      const read = this.readChunk(index);
      if (read) await read;
    }
  }

  /** Reads one chunk; synchronous when the memory reads synchronously (/proc/PID/mem does). */
  private readChunk(index: number): Promise<void> | undefined {
    const start = this.start + index * this.chunkSize;
    const length = Math.min(start + this.chunkSize, this.end) - start;
    if (length <= 0) throw new MemoryReadError(BigInt(start), this.chunkSize);
    const t0 = performance.now();
    const got = this.memory.read(BigInt(start), length, this.pool.take(length));
    const store = (buffer: Buffer): void => {
      this.chunks.set(index, { buffer, view: viewOf(buffer) });
      this.stats.readMs += performance.now() - t0;
      this.stats.reads++;
      this.stats.bytes += length;
    };
    if (got instanceof Promise) return got.then(store);
    store(got);
    return undefined;
  }

  slice(address: number, length: number): MemorySlice | Promise<MemorySlice> {
    const first = this.chunkOf(address);
    const last = this.chunkOf(address + length - 1);
    if (this.options.live && !(this.chunks.has(first) && this.chunks.has(last))) {
      const read = this.readChunks(first, last);
      return read.then(() => this.sliceRead(address, length, first, last));
    }
    return this.sliceRead(address, length, first, last);
  }

  private sliceRead(address: number, length: number, first: number, last: number): MemorySlice {
    const chunk = this.chunks.get(first);
    if (first === last && chunk) {
      const offset = address - (this.start + first * this.chunkSize);
      if (offset + length <= chunk.buffer.length) return { buffer: chunk.buffer, view: chunk.view, offset };
    }
    const copy = this.copySpan(address, length);
    return { buffer: copy, view: viewOf(copy), offset: 0 };
  }

  chunkAt(address: number, length: number): MemoryChunk | undefined {
    const index = this.chunkOf(address);
    const chunk = this.chunks.get(index);
    const start = this.start + index * this.chunkSize;
    return chunk && address + length <= start + chunk.buffer.length ? { view: chunk.view, start, end: start + chunk.buffer.length } : undefined;
  }

  release(below: number): void {
    const last = this.chunkOf(below) - 1;
    if (this.options.keep || last <= this.releasedTo) return;
    this.releasedTo = last;
    this.drop(Number.NEGATIVE_INFINITY, last);
  }

  forget(from: number, to: number): void {
    this.drop(this.chunkOf(from), this.chunkOf(Math.max(from, to - 1)));
  }

  /** Chunks held now. */
  get held(): number {
    return this.chunks.size;
  }

  private drop(first: number, last: number): void {
    for (const [index, chunk] of this.chunks) {
      if (index < first || index > last) continue;
      this.chunks.delete(index);
      this.pool.give(chunk.buffer);
    }
  }

  /** A span across two chunks (a header at a chunk boundary), copied out of both. */
  private copySpan(address: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const at = address + done;
      const index = this.chunkOf(at);
      const chunk = this.chunks.get(index)?.buffer;
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

/** The heap of `bounds` read from the running process as the walk goes. */
export function liveHeap(memory: RawMemory, layout: FragmentLayout, bounds: WalkBounds, options: Omit<ChunkOptions, 'live'> = {}): HeapChunks {
  return new HeapChunks(memory, bounds.firstFrag, BigInt(heapEndOf(Number(bounds.walkEnd), layout)), { ...options, live: true });
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
  options: Omit<ChunkOptions, 'live'> = {},
): Promise<HeapChunks> {
  const { headerSize } = layout;
  const trailerOffset = layout.trailer?.offset ?? 0;
  const trailerSize = layout.trailer?.size ?? 0;
  const walkEnd = Number(bounds.walkEnd);
  const heapEnd = heapEndOf(walkEnd, layout);
  const captured = new HeapChunks(memory, bounds.firstFrag, BigInt(heapEnd), options);
  const to = range.to ?? Number.POSITIVE_INFINITY;
  let address = Number(bounds.firstFrag);
  // The chunk the walk is in: while header and trailer stay inside it (nearly always), a fragment
  // costs two comparisons and one size read, no call into the chunks.
  let chunk: DataView | undefined;
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
        const inHand = captured.chunkAt(address, headerSize);
        if (inHand) ({ view: chunk, start: chunkStart, end: chunkEnd } = inHand);
        const head = captured.slice(address, headerSize) as MemorySlice;
        size = readSize(head.view, head.offset, layout);
      }
      const next = stepOver(address, size, layout, heapEnd);
      if (typeof next === 'string') break;
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
  await captureHeap(memory, layout, { firstFrag: BigInt(base), walkEnd }, { from: 0, to: undefined }, { chunkSize: 64 * 1024 });
}
