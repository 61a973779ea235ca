// watch's --interval as a period, on an injected clock: a walk's own time is taken out of the wait,
// a walk longer than the period is followed by the next at once and counted late. Nothing waits.
import { describe, expect, it } from 'vitest';
import { runEveryPeriod, type ScheduleClock } from '../../src/cli/sample-schedule.js';

/** A clock that moves only when told: sleeps and walks advance it by their length. */
function fakeClock(start = 1_000_000): ScheduleClock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

describe('runEveryPeriod', () => {
  it('waits the rest of the period: a 3 s walk in a 10 s period waits 7 s', async () => {
    const clock = fakeClock();
    const result = await runEveryPeriod(4, 10_000, async () => clock.advance(3_000), clock, new AbortController().signal);
    expect(clock.sleeps).toEqual([7_000, 7_000, 7_000]);
    expect(result.timings.map((t) => t.startMs - 1_000_000)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(result.timings.map((t) => t.walkMs)).toEqual([3_000, 3_000, 3_000, 3_000]);
    expect(result.late).toBe(0);
  });

  it('starts the next sample at once after a walk longer than the period, and counts it late; no burst to catch up', async () => {
    const clock = fakeClock();
    const walks = [4_000, 13_000, 2_000, 25_000, 1_000];
    const result = await runEveryPeriod(walks.length, 10_000, async (i) => clock.advance(walks[i] ?? 0), clock, new AbortController().signal);
    // 0: walk 4 s, wait 6 s; 1 at 10 s: walk 13 s (overruns); 2 at once (23 s, late): walk 2 s, wait 8 s;
    // 3 at 33 s: walk 25 s; 4 at once (58 s, late).
    expect(result.timings.map((t) => (t.startMs - 1_000_000) / 1000)).toEqual([0, 10, 23, 33, 58]);
    expect(result.timings.map((t) => (t.dueMs - 1_000_000) / 1000)).toEqual([0, 10, 20, 33, 43]);
    expect(clock.sleeps).toEqual([6_000, 8_000]);
    expect(result.late).toBe(2);
  });

  it('a walk of exactly one period is on time', async () => {
    const clock = fakeClock();
    const result = await runEveryPeriod(3, 5_000, async () => clock.advance(5_000), clock, new AbortController().signal);
    expect(clock.sleeps).toEqual([]);
    expect(result.late).toBe(0);
  });

  it('stops at an abort: during a wait no further sample starts', async () => {
    const clock = fakeClock();
    const stop = new AbortController();
    const taken: number[] = [];
    const sleepy: ScheduleClock = {
      now: clock.now,
      sleep: (ms, signal) => {
        stop.abort();
        return signal.aborted ? Promise.resolve() : clock.sleep(ms, signal);
      },
    };
    const result = await runEveryPeriod(10, 10_000, async (i) => {
      taken.push(i);
      clock.advance(1_000);
    }, sleepy, stop.signal);
    expect(taken).toEqual([0]);
    expect(result.timings).toHaveLength(1);
  });
});
