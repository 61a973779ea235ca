// The snapshot fields newer kamheap versions add to `walk`, read without trusting their presence.
import { describe, expect, it } from 'vitest';
import { hasStopFlag, walkExtras } from '../../bench/kamheap-walk.js';
import { liveNote, stoppedMode } from '../../bench/size-runs.js';

describe('walkExtras', () => {
  it('gives nulls for a snapshot of today (no consistency, attachMs or detachMs)', () => {
    const walk = { walker: 'bulk', from: 0, to: null, fragmentsWalked: 116260, complete: true, pauseMs: 143.5, durationMs: 1200, memoryReads: 25, bytesRead: 30198272 };
    expect(walkExtras(walk)).toEqual({ consistencyMode: null, attachMs: null, detachMs: null });
  });

  it.each([
    [{ consistency: { mode: 'live', retries: 2, unsettled: [] }, attachMs: 0, detachMs: 0 }, { consistencyMode: 'live', attachMs: 0, detachMs: 0 }],
    [{ consistency: { mode: 'stopped' }, attachMs: 61.5, detachMs: 27.25 }, { consistencyMode: 'stopped', attachMs: 61.5, detachMs: 27.25 }],
    [{ consistency: { mode: 'half' }, attachMs: '61', detachMs: null }, { consistencyMode: null, attachMs: null, detachMs: null }],
    [{ consistency: 'live' }, { consistencyMode: null, attachMs: null, detachMs: null }],
    [null, { consistencyMode: null, attachMs: null, detachMs: null }],
  ])('%j', (walk, extras) => {
    expect(walkExtras(walk)).toEqual(extras);
  });
});

describe('the columns by what the CLI offers', () => {
  it('passes --stop for the stopped shm column only when the CLI has it', () => {
    expect(stoppedMode({ stopFlag: true }, 'shm')).toBe('stop');
    expect(stoppedMode({ stopFlag: false }, 'shm')).toBe('default');
    expect(stoppedMode({ stopFlag: true }, 'pkg')).toBe('default');
  });

  it('skips the live column, saying why, without --stop and for pkg', () => {
    expect(liveNote({ stopFlag: true }, 'shm')).toBeNull();
    expect(liveNote({ stopFlag: false }, 'shm')).toMatch(/^SKIPPED: `kamheap walk --help` has no --stop/);
    expect(liveNote({ stopFlag: true }, 'pkg')).toMatch(/^n\/a: a pkg heap is walked stopped/);
  });
});

describe('hasStopFlag', () => {
  it.each([
    ['  --stop                 stop the target for the whole walk (shm; pkg always stops)', true],
    ['  --walker <name>        bulk or script\n  --stop\n', true],
    ['  --max-pause <seconds>  stop the walk and detach when the target has been paused this long', false],
    ['  --stop-after <n>       made up', false],
    ['', false],
  ])('%j: %s', (help, has) => {
    expect(hasStopFlag(help)).toBe(has);
  });
});
