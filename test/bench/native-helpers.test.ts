// The two C helpers against a process this test starts (`sleep`), not Kamailio: the sampler sees
// a stop of known length, and raw-read reads, detaches and leaves the process running and
// untraced, also when its read fails. Built with gcc into a temporary cache.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nativeHelper } from '../../bench/native.js';
import { parseRawRead } from '../../bench/raw-read.js';
import { startStopSampler, tracerOf } from '../../bench/target-stop.js';
import { processState } from '../../testbed/index.js';

const haveGcc = spawnSync('gcc', ['--version']).status === 0;
const cache = mkdtempSync(join(tmpdir(), 'kamheap-bench-native-'));
const previousCache = process.env.KAMHEAP_BUILD_CACHE;
let target: ChildProcess | undefined;

beforeAll(() => {
  process.env.KAMHEAP_BUILD_CACHE = cache;
});

afterEach(() => {
  target?.kill('SIGKILL');
  target = undefined;
});

afterAll(() => {
  if (previousCache === undefined) delete process.env.KAMHEAP_BUILD_CACHE;
  else process.env.KAMHEAP_BUILD_CACHE = previousCache;
  rmSync(cache, { recursive: true, force: true });
});

// A process of our own to watch and read.
function startTarget(): number {
  target = spawn('sleep', ['30'], { stdio: 'ignore' });
  if (target.pid === undefined) throw new Error('sleep did not start');
  return target.pid;
}

// The first readable mapping of `pid` (address, length).
function readableMapping(pid: number): { address: bigint; length: number } {
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      const start = BigInt(`0x${match[1]}`);
      return { address: start, length: Number(BigInt(`0x${match[2]}`) - start) };
    }
  }
  throw new Error(`no readable mapping in /proc/${pid}/maps`);
}

describe.skipIf(!haveGcc)('the C helpers', () => {
  it('builds each once per source and reuses the cached binary', () => {
    const first = nativeHelper('stop-sampler');
    expect(first.startsWith(join(cache, 'bench', 'stop-sampler-'))).toBe(true);
    expect(nativeHelper('stop-sampler')).toBe(first);
  });

  it('stop-sampler: sees one stop of about the time the target was stopped', async () => {
    const pid = startTarget();
    const sampler = await startStopSampler(nativeHelper('stop-sampler'), pid);
    await sleep(50);
    process.kill(pid, 'SIGSTOP');
    await sleep(300);
    process.kill(pid, 'SIGCONT');
    await sleep(50);
    const seen = await sampler.finish();
    expect(seen.spans).toBe(1);
    // The bounds are loose: this machine is shared, and a sample can come late.
    expect(seen.stoppedMs).toBeGreaterThan(200);
    expect(seen.stoppedMs).toBeLessThan(450);
    expect(seen.stoppedUpperMs ?? 0).toBeGreaterThanOrEqual(seen.stoppedMs ?? 0);
    expect(seen.samples).toBeGreaterThan(50);
  });

  it('stop-sampler: sees no stop of a running target', async () => {
    const pid = startTarget();
    const sampler = await startStopSampler(nativeHelper('stop-sampler'), pid);
    await sleep(100);
    const seen = await sampler.finish();
    expect(seen.spans).toBe(0);
    expect(seen.stoppedMs).toBeNull();
  });

  it.each(['stop', 'live'] as const)('raw-read %s: reads the bytes and leaves the target running, untraced', async (mode) => {
    const pid = startTarget();
    const { address, length } = readableMapping(pid);
    const run = spawnSync(nativeHelper('raw-read'), [String(pid), address.toString(16), String(length), mode, '4096'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const figures = parseRawRead(run.stdout);
    expect(figures).toMatchObject({ mode, bytes: length, threads: mode === 'stop' ? 1 : 0 });
    expect(figures.pauseMs).toBeGreaterThanOrEqual(mode === 'stop' ? figures.readMs : 0);
    expect(processState(pid)).not.toMatch(/[tT]/);
    expect(await tracerOf(pid)).toBe(0);
  });

  it('raw-read stop: a failed read still detaches (exit 1, target running, untraced)', async () => {
    const pid = startTarget();
    const run = spawnSync(nativeHelper('raw-read'), [String(pid), '10', '4096', 'stop'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/raw-read: pread at 0x10/);
    expect(processState(pid)).not.toMatch(/[tT]/);
    expect(await tracerOf(pid)).toBe(0);
  });

  it('raw-read: refuses bad arguments (exit 2)', () => {
    const run = spawnSync(nativeHelper('raw-read'), ['1', '10', '0', 'stop'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
  });
});
