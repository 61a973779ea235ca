// Validates raw commander options into typed values at the boundary; bad input is a usage error.
import { KamheapError } from '../errors.js';
import type { WalkRange } from '../heap/fragment.js';
import { heapRootSymbol, type HeapRootSymbol } from '../locate/heap-roots.js';
import type { HeapKind, WalkerName } from '../snapshot/snapshot.js';

/** A PID: a positive decimal integer, nothing else. */
export function parsePid(text: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 4_194_304) throw new KamheapError('usage', `invalid PID "${text}"`);
  return Number(text);
}

/** pkg or shm. */
export function parseHeapKind(text: string): HeapKind {
  if (text !== 'pkg' && text !== 'shm') throw new KamheapError('usage', `--heap must be pkg or shm, not "${text}"`);
  return text;
}

/** bulk or script. */
export function parseWalker(text: string): WalkerName {
  if (text !== 'bulk' && text !== 'script') throw new KamheapError('usage', `--walker must be bulk or script, not "${text}"`);
  return text;
}

/** A non-negative integer option. */
export function parseCount(text: string, option: string): number {
  if (!/^[0-9]{1,10}$/.test(text)) throw new KamheapError('usage', `${option} must be a non-negative integer, not "${text}"`);
  return Number(text);
}

/** --from/--to as a range, checked for order. */
export function parseRange(from: string | undefined, to: string | undefined): WalkRange {
  const range: WalkRange = {
    from: from === undefined ? 0 : parseCount(from, '--from'),
    to: to === undefined ? undefined : parseCount(to, '--to'),
  };
  if (range.to !== undefined && range.to < range.from) throw new KamheapError('usage', `--to (${range.to}) is below --from (${range.from})`);
  return range;
}

/** --timeout in seconds (fractions allowed) as milliseconds. */
export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || seconds <= 0) throw new KamheapError('usage', `--timeout must be a positive number of seconds, not "${text}"`);
  return seconds * 1000;
}

/** --heap-symbol: an entry of kamheap's table of heap roots for that heap, or undefined when not given. */
export function parseHeapSymbol(kind: HeapKind, text: string | undefined): HeapRootSymbol | undefined {
  return text === undefined ? undefined : heapRootSymbol(kind, text);
}

/** Help text of --heap-symbol (walk, script). */
export const heapSymbolHelp =
  'reach the heap through this variable instead of the memory API (_pkg_root/_shm_root): mem_block or shm_block ' +
  '(Kamailio 4.x and older, found automatically too), or an allocator\'s own pointer on builds with debug info ' +
  '(_qm_pkg_block, _fm_shm_block, _tlsf_shm_block, ...)';
