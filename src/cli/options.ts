// Validates raw commander options into typed values at the boundary; bad input is a usage error.
import { KamheapError } from '../errors.js';
import type { WalkRange } from '../heap/fragment.js';
import { heapRootSymbol, type HeapRootSymbol } from '../locate/heap-roots.js';
import type { HeapKind, WalkerName } from '../heap/heap-nouns.js';

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

/** The longest wait a Node.js timer holds (2^31-1 ms, about 24.9 days); a longer one fires at once instead. */
export const maxTimerMs = 2 ** 31 - 1;

/** A number of seconds (decimal fractions allowed) as whole milliseconds, from `minMs` up to what a timer can hold. */
export function parseSeconds(text: string, option: string, minMs: number): number {
  const range = `from ${minMs / 1000} to ${maxTimerMs / 1000} seconds (about ${(maxTimerMs / 86_400_000).toFixed(1)} days, the longest a timer can wait)`;
  if (!/^[0-9]{1,10}(\.[0-9]{1,10})?$/.test(text)) throw new KamheapError('usage', `${option} must be a number of seconds ${range}, not "${text}"`);
  const ms = Math.round(Number(text) * 1000);
  if (ms < minMs || ms > maxTimerMs) throw new KamheapError('usage', `${option} must be ${range}, not "${text}"`);
  return ms;
}

/** --timeout in seconds as milliseconds, undefined when not given. */
export function parseTimeout(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseSeconds(text, '--timeout', 1);
}

/** --max-pause in seconds as milliseconds; 0 lifts the limit. */
export function parseMaxPause(text: string): number {
  return parseSeconds(text, '--max-pause', 0);
}

/** Help text and default of --max-pause (walk, inspect, watch). */
export const stopHelp = 'shm: stop the target while its heap is read, as pkg always is (default: read the running process, stopping nothing)';

export const maxPauseHelp = 'stop the walk and detach when the target has been paused this long, in seconds (0: no limit)';
export const defaultMaxPause = '30';

/** --heap-symbol: an entry of kamheap's table of heap roots for that heap, or undefined when not given. */
export function parseHeapSymbol(kind: HeapKind, text: string | undefined): HeapRootSymbol | undefined {
  return text === undefined ? undefined : heapRootSymbol(kind, text);
}

/** Help text of --heap-symbol (walk, script). */
export const heapSymbolHelp =
  'reach the heap through this variable instead of the memory API (_pkg_root/_shm_root): mem_block or shm_block ' +
  '(Kamailio 4.x and older, found automatically too), or an allocator\'s own pointer on builds with debug info ' +
  '(_qm_pkg_block, _fm_shm_block, _tlsf_shm_block, ...)';
