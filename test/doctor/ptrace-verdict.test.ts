// The ptrace line from this user's rights and, with a PID, whether the kernel let it open the
// target's memory; and the probe that finds that out.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ptraceVerdict, type PtraceRights } from '../../src/doctor/system-checks.js';
import { notCheckedForRights, probeTarget, type TargetAccess } from '../../src/doctor/target-access.js';

const nobody: PtraceRights = { root: false, hasCap: false, scope: undefined };
const root: PtraceRights = { root: true, hasCap: true, scope: undefined };
const kamailio = (memoryReadable: boolean): TargetAccess => ({ pid: 4711, comm: 'kamailio', uid: 0, viewerUid: 65534, executable: null, memoryReadable });

describe('ptraceVerdict', () => {
  it.each<[string, PtraceRights, TargetAccess | undefined, string, RegExp]>([
    ['root, no PID', root, undefined, 'ok', /^root, no Yama ptrace_scope: kamheap can attach$/],
    ['nobody, no PID', nobody, undefined, 'warn', /only processes of this user/],
    ['nobody, ptrace_scope 1, no PID', { ...nobody, scope: 1 }, undefined, 'fail', /cannot attach to Kamailio/],
    ['ptrace_scope 3', { ...root, scope: 3 }, kamailio(false), 'fail', /disabled for everyone/],
    ['root without the capability, ptrace_scope 2', { ...root, hasCap: false, scope: 2 }, undefined, 'fail', /requires CAP_SYS_PTRACE/],
    ['nobody, a root-owned Kamailio', nobody, kamailio(false), 'fail', /^not root and no CAP_SYS_PTRACE, no Yama ptrace_scope: cannot attach to PID 4711 \(kamailio, uid 0\) as uid 65534$/],
    ['root without the capability, a Kamailio of another uid', { ...root, hasCap: false }, kamailio(false), 'fail', /^root without CAP_SYS_PTRACE/],
    ['nobody, a Kamailio it may read', nobody, kamailio(true), 'ok', /uid 65534 can attach to PID 4711/],
    ['root, a Kamailio it may read', root, kamailio(true), 'ok', /^root, no Yama ptrace_scope: kamheap can attach$/],
  ])('%s -> %s', (_name, rights, target, status, verdict) => {
    const line = ptraceVerdict(rights, target);
    expect(line.status).toBe(status);
    expect(line.verdict).toMatch(verdict);
    if (status !== 'ok') expect(line.advice).toBeTruthy();
  });
});

describe('probeTarget', () => {
  it('reads its own process: executable, uid and memory', () => {
    expect(probeTarget(process.pid)).toEqual({
      pid: process.pid,
      comm: expect.any(String),
      uid: process.getuid?.(),
      viewerUid: process.geteuid?.(),
      executable: process.execPath,
      memoryReadable: true,
    });
  });

  it('stops at a PID that does not exist, as no-such-process', async () => {
    const gone = execa('true');
    const pid = gone.pid ?? 0;
    await gone;
    expect(() => probeTarget(pid)).toThrow(expect.objectContaining({ kind: 'no-such-process', message: `no process with PID ${pid}` }));
  });
});

it('says which check could not run, and why', () => {
  expect(notCheckedForRights('shm headroom', kamailio(false), 'memory')).toEqual({
    name: 'shm headroom',
    status: 'fail',
    verdict: "not checked: cannot read PID 4711's memory as uid 65534",
    advice: 'run as root (sudo kamheap doctor 4711) or with CAP_SYS_PTRACE',
  });
});
