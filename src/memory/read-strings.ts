// Resolves the file/function/module pointers of the debug fields to text, once per distinct pointer.
// The strings are literals in the read-only data of kamailio and its modules, so this runs after
// detach, without keeping the target stopped.
import type { RawMemory } from './proc-mem.js';

const pageSize = 4096n;
const maxLength = 4096;

/** Reads a NUL-terminated string without crossing into an unmapped page needlessly. */
export async function readCString(memory: RawMemory, address: bigint): Promise<string | undefined> {
  if (address === 0n) return undefined;
  const parts: Buffer[] = [];
  let total = 0;
  let cursor = address;
  while (total < maxLength) {
    const toPageEnd = Number(pageSize - (cursor % pageSize));
    const length = Math.min(toPageEnd, 256);
    let piece: Buffer;
    try {
      piece = await memory.read(cursor, length);
    } catch {
      return undefined;
    }
    const nul = piece.indexOf(0);
    if (nul >= 0) {
      parts.push(piece.subarray(0, nul));
      return Buffer.concat(parts).toString('utf8');
    }
    parts.push(piece);
    total += length;
    cursor += BigInt(length);
  }
  return undefined;
}

/**
 * The text behind debug-field pointers, each read once: on first use while the walk goes (for a
 * fragment list), or all at once at the end (for the sums). Unreadable pointers read as ''.
 */
export class StringTable {
  private readonly known = new Map<number, string>();

  constructor(private readonly memory: RawMemory) {}

  /** Text read before ('' for a pointer never read). */
  readonly text = (pointer: number): string => this.known.get(pointer) ?? '';

  /**
   * Nothing when a fragment's pointers were all read before (their text is then at hand through
   * `text`), else a promise that reads them. No allocation on the first path: it runs per fragment.
   */
  ready(file: number, func: number, mname = file): Promise<void> | undefined {
    if (this.known.has(file) && this.known.has(func) && this.known.has(mname)) return undefined;
    return this.load([file, func, mname]);
  }

  /** Reads every pointer not read yet. */
  async load(pointers: Iterable<number>): Promise<void> {
    for (const pointer of pointers) if (!this.known.has(pointer)) await this.read(pointer);
  }

  private async read(pointer: number): Promise<string> {
    const text = (await readCString(this.memory, BigInt(pointer))) ?? '';
    this.known.set(pointer, text);
    return text;
  }
}
