// The trial list is a pure function of the seed, covers every cell the contract allows, and the
// quick subset covers every fault, walker and heap.
import { describe, expect, it } from 'vitest';
import { timeoutSeconds, type Timing } from './calibration.js';
import { CONTRACT, FAULTS } from './contract.js';
import { pipeBytes } from './run-trial.js';
import { cellsOf, parseFaults, planTrials, quickPlan, type TrialPlan } from './trial-plan.js';

const key = (p: TrialPlan): string => `${p.fault}/${p.variant}/${p.walker}/${p.heap}`;

describe('planTrials', () => {
  it('gives the same list for the same seed, another for another seed', () => {
    expect(planTrials(42, 120)).toEqual(planTrials(42, 120));
    expect(planTrials(42, 120).map(key)).not.toEqual(planTrials(43, 120).map(key));
  });

  it('spreads 120 trials evenly over the faults and covers every cell of each', () => {
    const plans = planTrials(7, 120);
    expect(plans.map((p) => p.n)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    for (const fault of FAULTS) {
      const mine = plans.filter((p) => p.fault === fault);
      expect(mine).toHaveLength(15);
      expect(new Set(mine.map(key))).toEqual(new Set(cellsOf(fault).map((c) => `${c.fault}/${c.variant}/${c.walker}/${c.heap}`)));
    }
  });

  it('keeps to the variants the contract allows (mid-pause: script walks only)', () => {
    for (const p of planTrials(3, 200)) {
      expect(CONTRACT[p.fault].variants).toContain(p.variant);
      if (p.variant === 'mid-pause') expect(p.walker).toBe('script');
      expect(p.at).toBeGreaterThanOrEqual(0);
      expect(p.at).toBeLessThan(1);
      if (p.fault === 'pipe-closed') expect(p.output).toBe('json-stdout');
    }
  });

  it('gives the remainder to some faults when the count does not divide', () => {
    const counts = FAULTS.map((f) => planTrials(5, 13).filter((p) => p.fault === f).length);
    expect(counts.reduce((a, b) => a + b)).toBe(13);
    expect(Math.max(...counts) - Math.min(...counts)).toBe(1);
  });

  it('narrows to --only faults', () => {
    const plans = planTrials(1, 10, parseFaults('SIGINT,timeout'));
    expect(new Set(plans.map((p) => p.fault))).toEqual(new Set(['SIGINT', 'timeout']));
    expect(() => parseFaults('SIGQUIT')).toThrow(/unknown fault "SIGQUIT"/);
  });
});

describe('quickPlan', () => {
  it('covers every fault, both walkers and both heaps, in at most 16 trials', () => {
    const plans = quickPlan();
    expect(plans.length).toBeLessThanOrEqual(16);
    expect(new Set(plans.map((p) => p.fault))).toEqual(new Set(FAULTS));
    expect(new Set(plans.map((p) => p.walker))).toEqual(new Set(['bulk', 'script']));
    expect(new Set(plans.map((p) => p.heap))).toEqual(new Set(['pkg', 'shm']));
    expect(quickPlan()).toEqual(plans);
  });
});

describe('timeoutSeconds and pipeBytes', () => {
  const timing: Timing = { runMs: 4000, attachMs: 700, pauseMs: 3000 };
  const plan = (over: Partial<TrialPlan>): TrialPlan => ({
    n: 1, fault: 'timeout', variant: 'spread', walker: 'script', heap: 'shm', target: 'timer', output: 'json-stdout', at: 0.5, spare: 0.5, ...over,
  });

  it.each([
    [{ variant: 'attach-window', at: 0 } as const, 0.55],
    [{ variant: 'attach-window', at: 0.99 } as const, 0.85],
    [{ variant: 'spread', at: 0 } as const, 0.05],
    [{ variant: 'spread', at: 0.5 } as const, 2.03],
    [{ fault: 'SIGSTOP-gdb', variant: 'attach-window', spare: 0 } as const, 1.9],
    [{ fault: 'SIGSTOP-gdb', variant: 'random', at: 0.5, spare: 1 } as const, 6],
    [{ fault: 'SIGSTOP-gdb', variant: 'random', at: 0.1, spare: 0 } as const, 1.9],
    [{ fault: 'SIGINT', variant: 'random' } as const, undefined],
  ])('%j -> --timeout %s', (over, seconds) => {
    expect(timeoutSeconds(plan(over), timing)).toBe(seconds);
  });

  it('closes the pipe before any output or after 1..4096 bytes', () => {
    expect(pipeBytes(plan({ fault: 'pipe-closed', variant: 'before-output' }))).toBe(0);
    expect(pipeBytes(plan({ fault: 'pipe-closed', variant: 'after-bytes', spare: 0 }))).toBe(1);
    expect(pipeBytes(plan({ fault: 'pipe-closed', variant: 'after-bytes', spare: 0.9999 }))).toBe(4096);
  });
});
