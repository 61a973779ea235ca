// A process's start from /proc: the boot time and USER_HZ read from captured /proc/stat and auxv.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootClock, parseBootSeconds, parseClockTicks, processStart } from '../../src/proc/start-time.js';
import { readStat } from '../../src/proc/process.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url));

describe('process start time', () => {
  it('reads btime from a captured /proc/stat', () => {
    expect(parseBootSeconds(fixture('stat').toString('utf8'))).toBe(1796141742);
  });

  it('reads AT_CLKTCK from a captured x86-64 auxiliary vector (sysconf(_SC_CLK_TCK): 100)', () => {
    expect(parseClockTicks(fixture('auxv-x86_64'))).toBe(100);
  });

  it('finds no AT_CLKTCK in a vector that ends first, and refuses a /proc/stat without btime', () => {
    expect(parseClockTicks(Buffer.alloc(32))).toBeUndefined();
    expect(() => parseBootSeconds('cpu 1 2 3\n')).toThrow(/btime/);
  });

  it('turns starttime ticks into an ISO time from the boot time', () => {
    const clock = { bootSeconds: 1796141742, ticksPerSecond: 100 };
    expect(processStart(0, clock)).toEqual({ at: new Date(1796141742_000).toISOString(), ticks: 0 });
    expect(processStart(123_456, clock)).toEqual({ at: '2026-12-01T16:36:16.560Z', ticks: 123_456 });
  });

  it('puts this process between boot and now', () => {
    const own = readStat(process.pid);
    if (!own) throw new Error('no /proc/self/stat');
    const started = Date.parse(processStart(own.startTime).at);
    expect(started).toBeGreaterThanOrEqual(bootClock().bootSeconds * 1000);
    expect(started).toBeLessThanOrEqual(Date.now());
    // Node started within the uptime of this test process: not before its own start minus a second of btime rounding.
    expect(started).toBeGreaterThan(Date.now() - process.uptime() * 1000 - 2000);
  });
});
