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

/** Resolves every distinct pointer once; unreadable pointers map to undefined. */
export async function resolveStrings(memory: RawMemory, pointers: Iterable<bigint>): Promise<Map<bigint, string | undefined>> {
  const resolved = new Map<bigint, string | undefined>();
  for (const pointer of pointers) {
    if (!resolved.has(pointer)) resolved.set(pointer, await readCString(memory, pointer));
  }
  return resolved;
}
