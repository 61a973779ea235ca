// `serve`'s options checked into one typed object before anything is listened on or read.
import { KamheapError } from '../errors.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import { parseListenAddress, type ListenAddress } from '../serve/listen-address.js';
import { parseCount, parseHeapKind, parseMaxPause, parsePid, parseSeconds } from './options.js';

/** The options as commander hands them over. */
export interface RawServeOptions {
  listen: string;
  interval: string;
  heap?: string;
  all?: boolean;
  top: string;
  maxPause: string;
  gdb?: string;
}

export interface ServeOptions {
  pid: number;
  listen: ListenAddress;
  intervalMs: number;
  kind: HeapKind;
  all: boolean;
  top: number;
  maxPauseMs: number;
  gdbPath: string | undefined;
}

/**
 * A round reads the whole heap (seconds on a large shm) and, with --heap pkg or --all, stops
 * processes; Prometheus scrapes every 15 s or more. A period under 1 s would spend the machine on
 * walks nobody reads.
 */
export const minServeIntervalMs = 1000;
/** Sites per heap beyond which they are summed in site="other": the cardinality bound. */
export const maxTop = 1000;

/** Checks every option at the door. */
export function parseServeOptions(pidText: string, raw: RawServeOptions): ServeOptions {
  const all = raw.all === true;
  if (all && raw.heap !== undefined) throw new KamheapError('usage', '--heap and --all do not go together: --all walks shm and every pkg heap');
  const top = parseCount(raw.top, '--top');
  if (top > maxTop) throw new KamheapError('usage', `--top must be from 0 to ${maxTop} (sites per heap, the rest summed as "other"), not "${raw.top}"`);
  return {
    pid: parsePid(pidText),
    listen: parseListenAddress(raw.listen),
    intervalMs: parseSeconds(raw.interval, '--interval', minServeIntervalMs),
    kind: parseHeapKind(raw.heap ?? 'shm'),
    all,
    top,
    maxPauseMs: parseMaxPause(raw.maxPause),
    gdbPath: raw.gdb,
  };
}
