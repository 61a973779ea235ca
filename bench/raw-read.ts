// The floor: bench/raw-read.c reads the bytes kamheap's bulk walker reads, once, with the target
// ptrace-stopped (stop) or running (live), and nothing else. Its own pause figure and the external
// sampler's are both kept. The range starts at the heap's first fragment (read here from the
// allocator's block header, at the offset of KAMAILIO-HEAP.md) and is as long as kamheap's
// walk.bytesRead, so both read the same amount from the same place.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { measureRun } from './measure.js';
import { qmShmOffsets } from './seed-loop.js';
import type { StopObservation } from './target-stop.js';

export type RawMode = 'stop' | 'live';

export interface RawReadFigures {
  mode: RawMode;
  bytes: number;
  threads: number;
  attachMs: number;
  readMs: number;
  detachMs: number;
  /** First PTRACE_SEIZE to last PTRACE_DETACH (0 for live). */
  pauseMs: number;
}

export interface RawReadResult extends RawReadFigures {
  wallMs: number;
  observedStop: StopObservation;
}

/** Parses raw-read's output line ("mode=stop bytes=... pause_us=..."); throws on anything else. */
export function parseRawRead(line: string): RawReadFigures {
  const fields = new Map<string, string>();
  for (const pair of line.trim().split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`raw-read: unreadable field "${pair}"`);
    fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const mode = fields.get('mode');
  if (mode !== 'stop' && mode !== 'live') throw new Error(`raw-read: no mode in "${line.trim()}"`);
  const int = (name: string): number => {
    const text = fields.get(name);
    if (text === undefined || !/^\d+$/.test(text)) throw new Error(`raw-read: no ${name}= in "${line.trim()}"`);
    return Number(text);
  };
  return {
    mode,
    bytes: int('bytes'),
    threads: int('threads'),
    attachMs: int('attach_us') / 1000,
    readMs: int('read_us') / 1000,
    detachMs: int('detach_us') / 1000,
    pauseMs: int('pause_us') / 1000,
  };
}

/** first_frag of a q_malloc block (the 8 bytes at block + 48), read from the running process. */
export function firstFragment(pid: number, block: bigint): bigint {
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    const buffer = Buffer.alloc(8);
    const read = readSync(fd, buffer, 0, 8, block + BigInt(qmShmOffsets.FIRST_FRAG));
    if (read !== 8) throw new Error(`short read of first_frag at ${block.toString(16)} + ${qmShmOffsets.FIRST_FRAG}`);
    return buffer.readBigUInt64LE(0);
  } finally {
    closeSync(fd);
  }
}

export interface RawReadOptions {
  binary: string;
  sampler: string;
  pid: number;
  address: bigint;
  bytes: number;
  mode: RawMode;
  run: number | string;
  workDir: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs raw-read once, measured like every other method. */
export async function runRawRead(opts: RawReadOptions): Promise<RawReadResult> {
  const base = join(opts.workDir, `raw-${opts.mode}-${opts.pid}-${opts.run}`);
  const run = await measureRun({
    command: opts.binary,
    args: [String(opts.pid), opts.address.toString(16), String(opts.bytes), opts.mode],
    cwd: opts.workDir,
    stdoutFile: `${base}.out`,
    stderrFile: `${base}.err`,
    timeFile: `${base}.time`,
    targetPid: opts.pid,
    sampler: opts.sampler,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
  });
  if (run.exitCode !== 0) {
    throw new Error(`raw-read ${opts.mode} exited with ${run.exitCode ?? run.exitSignal}: ${readFileSync(`${base}.err`, 'utf8').trim()}`);
  }
  const figures = parseRawRead(readFileSync(`${base}.out`, 'utf8'));
  if (figures.bytes !== opts.bytes) throw new Error(`raw-read read ${figures.bytes} bytes, not ${opts.bytes}`);
  return { ...figures, wallMs: run.wallMs, observedStop: run.targetStop };
}
