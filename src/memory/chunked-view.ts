// Serves small reads (fragment headers and trailers) out of a few large aligned chunk reads,
// so walking 100k fragments costs a handful of preads instead of 200k.
import type { MemoryView } from '../heap/walk-fragments.js';
import type { RawMemory } from './proc-mem.js';

export interface ReadStats {
  reads: number;
  bytes: number;
  readMs: number;
}

/** A MemoryView over a [start, end) window, caching the chunks the walk is in. */
export class ChunkedView implements MemoryView {
  readonly stats: ReadStats = { reads: 0, bytes: 0, readMs: 0 };
  private readonly cache = new Map<bigint, Buffer>();

  constructor(
    private readonly memory: RawMemory,
    private readonly start: bigint,
    private readonly end: bigint,
    private readonly chunkSize = 1024n * 1024n,
    private readonly keepChunks = 2,
  ) {}

  bytes(address: bigint, length: number): Buffer | Promise<Buffer> {
    const last = address + BigInt(length);
    const first = this.chunkIndex(address);
    if (first !== this.chunkIndex(last - 1n)) {
      // A span across chunks (rare: a header at a chunk boundary) is read directly.
      return this.timedRead(address, length);
    }
    const offset = Number(address - this.chunkStart(first));
    const cached = this.cache.get(first);
    // The hot path stays synchronous: 100k fragments must not cost 200k promise turns.
    if (cached) return cached.subarray(offset, offset + length);
    return this.loadChunk(first).then((chunk) => chunk.subarray(offset, offset + length));
  }

  private async loadChunk(index: bigint): Promise<Buffer> {
    const start = this.chunkStart(index);
    const end = start + this.chunkSize < this.end ? start + this.chunkSize : this.end;
    const chunk = await this.timedRead(start, Number(end - start));
    this.cache.set(index, chunk);
    // The walk moves forward: drop the oldest chunks so memory stays bounded.
    while (this.cache.size > this.keepChunks) {
      const oldest = this.cache.keys().next().value as bigint;
      this.cache.delete(oldest);
    }
    return chunk;
  }

  private async timedRead(address: bigint, length: number): Promise<Buffer> {
    const t0 = performance.now();
    const buffer = await this.memory.read(address, length);
    this.stats.readMs += performance.now() - t0;
    this.stats.reads++;
    this.stats.bytes += length;
    return buffer;
  }

  private chunkIndex(address: bigint): bigint {
    return (address - this.start) / this.chunkSize;
  }

  private chunkStart(index: bigint): bigint {
    return this.start + index * this.chunkSize;
  }
}
