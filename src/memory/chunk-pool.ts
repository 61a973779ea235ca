// Destination buffers for heap chunks. Reading /proc/PID/mem into fresh memory spends ~90% of its
// time faulting in our own pages (measured here: 9 MiB in 31 ms into fresh buffers, 3.4 ms into
// touched ones), so a stopped capture takes buffers allocated and touched before the attach.
// Each chunk is its own allocation, so that a chunk the walk has passed is really freed (or handed
// back for the next read of a live walk).

/** Hands out chunk-sized buffers: touched ones reserved beforehand, returned ones, then fresh ones. */
export class ChunkPool {
  private readonly spare: Buffer[] = [];
  // The memory of the buffers this pool made: only those come back (a reader may return others).
  private readonly made = new WeakSet<ArrayBufferLike>();

  constructor(readonly chunkSize: number) {}

  /** Allocates and touches room for about `bytes` (rounded up to whole chunks). */
  reserve(bytes: number): void {
    const chunks = Math.max(1, Math.ceil(bytes / this.chunkSize));
    for (let i = 0; i < chunks; i++) this.spare.push(this.fresh().fill(0));
  }

  /** A buffer of `length` <= chunkSize bytes. */
  take(length: number): Buffer {
    const buffer = this.spare.pop() ?? this.fresh();
    return length === buffer.length ? buffer : buffer.subarray(0, length);
  }

  /** Takes back a chunk no longer needed (a live walk reuses it for its next read). */
  give(buffer: Buffer): void {
    if (this.made.has(buffer.buffer) && this.spare.length < 4) this.spare.push(Buffer.from(buffer.buffer, 0, this.chunkSize));
  }

  private fresh(): Buffer {
    const buffer = Buffer.allocUnsafeSlow(this.chunkSize);
    this.made.add(buffer.buffer);
    return buffer;
  }
}
