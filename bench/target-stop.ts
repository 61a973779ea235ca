// Watches the target's scheduler state from outside while a method runs: a separate process
// (bench/stop-sampler.c) reads /proc/PID/stat every 1 ms and counts the time it saw the target in
// ptrace stop ('t') or job-control stop ('T'). The same sampler for gdb, kamheap and the raw read,
// and not in the benchmark's own event loop, so a busy benchmark process does not blur it.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface StopObservation {
  /** Time seen stopped, ms: each run of stopped samples from its first to its last sample, summed; null if never. */
  stoppedMs: number | null;
  /** The same, each run widened to the running samples around it (an upper bound); null if never. */
  stoppedUpperMs: number | null;
  /** Separate stops seen (runs of stopped samples). */
  spans: number;
  /** First stopped sample to last stopped sample, ms (null if never): one span's length, or all of them and the gaps. */
  firstToLastMs: number | null;
  /** Largest gap between two samples: the resolution of the figures above. */
  maxGapMs: number;
  meanGapMs: number;
  samples: number;
  stoppedSamples: number;
}

const SAMPLE_INTERVAL_US = 1_000;
const READY_TIMEOUT_MS = 5_000;
const RESULT_TIMEOUT_MS = 5_000;

/** Parses the sampler's result line ("samples=... gone=0"); throws on anything else. */
export function parseSamplerLine(line: string): StopObservation {
  const fields = new Map<string, number>();
  for (const pair of line.trim().split(/\s+/)) {
    const match = /^([a-z_]+)=(-?\d+)$/.exec(pair);
    if (match === null) throw new Error(`stop-sampler: unreadable field "${pair}" in "${line.trim()}"`);
    fields.set(match[1] ?? '', Number(match[2]));
  }
  const get = (name: string): number => {
    const value = fields.get(name);
    if (value === undefined) throw new Error(`stop-sampler: no ${name}= in "${line.trim()}"`);
    return value;
  };
  const spans = get('spans');
  const ms = (us: number): number => us / 1000;
  const first = get('first_us');
  const last = get('last_us');
  return {
    stoppedMs: spans === 0 ? null : ms(get('stopped_us')),
    stoppedUpperMs: spans === 0 ? null : ms(get('stopped_upper_us')),
    spans,
    firstToLastMs: first < 0 || last < 0 ? null : ms(last - first),
    maxGapMs: ms(get('max_gap_us')),
    meanGapMs: ms(get('mean_gap_us')),
    samples: get('samples'),
    stoppedSamples: get('stopped_samples'),
  };
}

/** A running sampler: `finish()` ends it and returns what it saw; `kill()` ends it without a result. */
export interface StopSampler {
  finish(): Promise<StopObservation>;
  kill(): void;
}

/** Starts the sampler on `pid` and resolves once it has taken its first sample. */
export async function startStopSampler(binary: string, pid: number): Promise<StopSampler> {
  const child = spawn(binary, [String(pid), String(SAMPLE_INTERVAL_US)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.startsWith('ready\n')) resolve();
    });
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`stop-sampler exited with ${code} before its first sample: ${stderr.trim()}`)));
  });
  // After a timeout the kill makes `ready` reject too; nobody waits for it then.
  ready.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stop-sampler took no sample within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([ready, late]);
  } catch (error) {
    kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  let result: Promise<StopObservation> | undefined;
  return {
    kill,
    finish() {
      result ??= (async () => {
        child.kill('SIGTERM');
        const guard = setTimeout(kill, RESULT_TIMEOUT_MS);
        const code = await exited;
        clearTimeout(guard);
        const line = stdout.split('\n').find((l) => l.startsWith('samples='));
        if (code !== 0 || line === undefined) throw new Error(`stop-sampler exited with ${code}: ${stderr.trim() || stdout.trim()}`);
        return parseSamplerLine(line);
      })();
      return result;
    },
  };
}

/** The PID tracing `pid` (TracerPid of /proc/PID/status), 0 if none, undefined if it is gone. */
export async function tracerOf(pid: number): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^TracerPid:\s*(\d+)/m.exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
