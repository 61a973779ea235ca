// The /proc view of a process: a kernel thread, a process gone, this very process.
import { readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectProcess, isSameProcessAlive, tracerOf } from '../../src/proc/process.js';

/** A kernel thread this machine shows (PID 2 is kthreadd wherever the kernel's threads are visible). */
function kernelThread(): number | undefined {
  try {
    readlinkSync('/proc/2/exe');
    return undefined;
  } catch {
    return readFileSync('/proc/2/comm', 'utf8').trim() === 'kthreadd' ? 2 : undefined;
  }
}

describe('inspectProcess', () => {
  it('describes this process, with its start time', () => {
    const me = inspectProcess(process.pid);
    expect(me).toMatchObject({ pid: process.pid, executable: process.execPath });
    expect(me.startTime).toBeGreaterThan(0);
    expect(isSameProcessAlive(me)).toBe(true);
    expect(isSameProcessAlive({ ...me, startTime: me.startTime + 1 })).toBe(false);
    expect(tracerOf(process.pid)).toBeUndefined();
  });

  it('refuses a PID that does not exist', () => {
    expect(() => inspectProcess(3_999_999)).toThrow(expect.objectContaining({ kind: 'no-such-process' }) as unknown as Error);
  });

  it.runIf(kernelThread() !== undefined)('names a kernel thread as not Kamailio, not as missing', () => {
    expect(() => inspectProcess(2)).toThrow(expect.objectContaining({ kind: 'not-kamailio', message: 'PID 2 (kthreadd) is a kernel thread, not a Kamailio process' }) as unknown as Error);
  });
});
