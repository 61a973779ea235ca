// `watch`'s options checked into one typed object before anything is sampled; each error names the
// option it is about and, for a bound, the bound.
import { KamheapError } from '../errors.js';
import type { HeapKind } from '../heap/heap-nouns.js';
import { maxTimerMs, parseCount, parseHeapKind, parseMaxPause, parsePid, parseSeconds } from './options.js';

/** The options as commander hands them over. */
export interface RawWatchOptions {
  heap: string;
  interval: string;
  samples: string;
  out?: string;
  bytes?: boolean;
  top: string;
  maxPause: string;
  stop?: boolean;
  gdb?: string;
  all?: boolean;
}

export interface WatchOptions {
  pid: number;
  kind: HeapKind;
  intervalMs: number;
  samples: number;
  top: number;
  out: string | undefined;
  gdbPath: string | undefined;
  maxPauseMs: number;
  /** shm: stop the target for each walk. */
  stop: boolean;
  all: boolean;
}

/**
 * A pkg sample stops the target (milliseconds per heap, every process with --all; shm is read live
 * unless --stop); a shorter wait would keep a live Kamailio stopped a large share of the time, and
 * every sample reads the whole heap, which adds nothing to a trend.
 */
export const minIntervalMs = 1000;
export const maxIntervalMs = maxTimerMs;
/** Two samples make the smallest trend. */
export const minSamples = 2;
/**
 * Every sample stays in memory until the report (with --all, every process's sites): 1000 is 16 h
 * at one a minute; a longer watch wants a longer interval, not more samples.
 */
export const maxSamples = 1000;

/** Checks every option at the door. */
export function parseWatchOptions(pidText: string, raw: RawWatchOptions): WatchOptions {
  return {
    pid: parsePid(pidText),
    kind: parseHeapKind(raw.heap),
    intervalMs: parseInterval(raw.interval),
    samples: parseSamples(raw.samples),
    top: parseCount(raw.top, '--top'),
    out: raw.out,
    gdbPath: raw.gdb,
    maxPauseMs: parseMaxPause(raw.maxPause),
    stop: raw.stop === true,
    all: raw.all === true,
  };
}

/** --interval in seconds (decimal fractions allowed) as whole milliseconds, within the bounds above. */
export function parseInterval(text: string): number {
  return parseSeconds(text, '--interval', minIntervalMs);
}

/** --samples: a whole number within the bounds above. */
export function parseSamples(text: string): number {
  const samples = parseCount(text, '--samples');
  if (samples < minSamples || samples > maxSamples) {
    throw new KamheapError('usage', `--samples must be from ${minSamples} (the smallest trend) to ${maxSamples}, not "${text}"`);
  }
  return samples;
}
