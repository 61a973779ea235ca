// The rhythm of serve's rounds with a scripted take(): a failed round after the first keeps the last
// sample served and counts an error per heap; the first round's failure ends the loop with it; a
// stop ends the loop without an error, also mid-round.
import { describe, expect, it } from 'vitest';
import { KamheapError } from '../../src/errors.js';
import { RunControl } from '../../src/run-control.js';
import { runSampleLoop } from '../../src/serve/sample-loop.js';
import type { ServeState } from '../../src/serve/serve-metrics.js';
import type { ServeSample } from '../../src/serve/serve-sample.js';
import { inspectProcess } from '../../src/proc/process.js';

const self = inspectProcess(process.pid);
const sample = (takenAtMs: number, failures: ServeSample['failures'] = []): ServeSample => ({ takenAtMs, heaps: [], sites: [], failures });
const fresh = (): ServeState => ({ version: '0', sample: undefined, walkErrors: { shm: 0, pkg: 0 }, lastSuccessMs: undefined });

/** Runs the loop over `rounds` (a sample, or an error to throw); the run is stopped after the last one. */
async function loop(state: ServeState, rounds: Array<ServeSample | Error>): Promise<string[]> {
  const control = new RunControl();
  const log: string[] = [];
  let i = 0;
  const take = async (): Promise<ServeSample> => {
    const round = rounds[i++];
    if (i >= rounds.length) control.stop({ kind: 'signal', signal: 'SIGTERM' });
    if (round === undefined) throw new Error('no round left');
    if (round instanceof Error) throw round;
    return round;
  };
  await runSampleLoop(state, { target: self, intervalMs: 1, control, take, heaps: ['shm', 'pkg'], log: (l) => log.push(l) });
  expect(i).toBe(rounds.length);
  return log;
}

describe('runSampleLoop', () => {
  it('keeps serving the last sample when a later round fails, and counts the failure for each heap it was to read', async () => {
    const state = fresh();
    const log = await loop(state, [sample(1000), new KamheapError('memory-read', 'cannot read 8 bytes'), new KamheapError('memory-read', 'again')]);
    expect(state.sample?.takenAtMs).toBe(1000);
    expect(state.lastSuccessMs).toBe(1000);
    expect(state.walkErrors).toEqual({ shm: 1, pkg: 1 });
    expect(log).toEqual(['walk failed: cannot read 8 bytes; still serving the sample of 1970-01-01T00:00:01.000Z']);
  });

  it('replaces the sample with each completed round and counts the heaps a round could not read', async () => {
    const state = fresh();
    const log = await loop(state, [sample(1000), sample(2000, [{ heap: 'pkg', pid: 42, message: 'PID 42 exited' }]), sample(3000)]);
    expect([state.sample?.takenAtMs, state.lastSuccessMs]).toEqual([3000, 3000]);
    expect(state.walkErrors).toEqual({ shm: 0, pkg: 1 });
    expect(log).toEqual(['pkg heap of PID 42 not read: PID 42 exited']);
  });

  it('ends with the first round\'s error: nothing to serve yet', async () => {
    const error = new KamheapError('not-kamailio', 'not Kamailio');
    const control = new RunControl();
    await expect(runSampleLoop(fresh(), { target: self, intervalMs: 1, control, take: () => Promise.reject(error), heaps: ['shm'], log: () => undefined })).rejects.toBe(error);
  });

  it('a stop during a round ends the loop quietly, whatever the round then throws', async () => {
    const state = fresh();
    const log = await loop(state, [sample(1000), new KamheapError('interrupted', 'interrupted by SIGTERM; target detached and running')]);
    expect(state.walkErrors).toEqual({ shm: 0, pkg: 0 });
    expect(log).toEqual([]);
  });
});
