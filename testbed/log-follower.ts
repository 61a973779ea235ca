// Reading Kamailio's log file while it grows: only lines written after a chosen offset, whole
// lines only (a line still being written stays buffered until its newline arrives).
import { open, stat } from 'node:fs/promises';

const CHUNK = 8 * 1024 * 1024;

/** Incremental line reader over an append-only file. */
export class LogFollower {
  private carry: Buffer = Buffer.alloc(0);

  private constructor(
    readonly file: string,
    private position: number,
    private skipPartialFirstLine: boolean,
  ) {}

  /** A follower that sees only what is appended from now on. */
  static async fromEnd(file: string): Promise<LogFollower> {
    const { size } = await stat(file);
    return new LogFollower(file, size, size > 0 && !(await endsWithNewline(file, size)));
  }

  /** A follower over the whole file, from its first byte. */
  static fromStart(file: string): LogFollower {
    return new LogFollower(file, 0, false);
  }

  /** Complete lines appended since the previous call (without their newlines). */
  async readLines(): Promise<string[]> {
    const handle = await open(this.file, 'r');
    const chunks: Buffer[] = [this.carry];
    try {
      const { size } = await handle.stat();
      while (this.position < size) {
        const length = Math.min(CHUNK, size - this.position);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, this.position);
        if (bytesRead === 0) break;
        this.position += bytesRead;
        chunks.push(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    const data = Buffer.concat(chunks);
    const lastNewline = data.lastIndexOf(0x0a);
    if (lastNewline < 0) {
      this.carry = data;
      return [];
    }
    this.carry = Buffer.from(data.subarray(lastNewline + 1));
    const lines = data.subarray(0, lastNewline).toString('utf8').split('\n');
    if (this.skipPartialFirstLine) {
      this.skipPartialFirstLine = false;
      lines.shift();
    }
    return lines;
  }
}

// True when the byte before `size` is a newline, i.e. the file ends on a line boundary.
async function endsWithNewline(file: string, size: number): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, size - 1);
    return byte[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** The last `lines` lines of a file (reads at most its last 64 KiB); '' if unreadable. */
export async function logTail(file: string, lines = 40): Promise<string> {
  try {
    const { size } = await stat(file);
    const length = Math.min(size, 64 * 1024);
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8').split('\n').slice(-lines - 1).join('\n');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}
