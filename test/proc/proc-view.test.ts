// What /proc says for the process table checks: PPid and NSpid as the kernel writes them, and
// the machine's own /proc through hostProcView.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { namespacePids } from '../../src/proc/pid-namespace.js';
import { hostProcView, parseStatus } from '../../src/proc/proc-view.js';

// /proc/PID/status lines of a process in a PID namespace below the host's (Linux 6.1), cut.
const nested = 'Name:\tkamailio\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t24577\nNgid:\t0\nPid:\t24577\nPPid:\t24564\nTracerPid:\t0\nNStgid:\t24577\t30001\nNSpid:\t24577\t30001\nNSpgid:\t24561\t0\nNSsid:\t24561\t0\n';
const flat = 'Name:\tbash\nPid:\t812\nPPid:\t1\nNSpid:\t812\n';
const old = 'Name:\tkamailio\nPid:\t812\nPPid:\t1\nTracerPid:\t0\n';

describe('parseStatus', () => {
  it.each([
    ['a process in a nested namespace', nested, { ppid: 24564, nsPids: [24577, 30001] }],
    ['a process of this namespace', flat, { ppid: 1, nsPids: [812] }],
    ['a kernel without NSpid (before 4.1)', old, { ppid: 1, nsPids: [] }],
  ])('%s', (_name, status, expected) => {
    expect(parseStatus(status, { state: 'S', startTime: 7 })).toEqual({ ...expected, state: 'S', startTime: 7 });
  });
});

describe('hostProcView', () => {
  it('describes this process: its parent, its own PID as NSpid, its executable by device and inode', () => {
    const me = hostProcView.facts(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.nsPids.at(0)).toBe(process.pid);
    const exe = statSync(process.execPath, { bigint: true });
    expect(hostProcView.executable(process.pid)).toEqual({ dev: exe.dev, ino: exe.ino });
    expect(hostProcView.pidNamespace(process.pid)).toBe(hostProcView.pidNamespace('self'));
    expect(hostProcView.pids()).toContain(process.pid);
  });

  it('says nothing of a PID that does not exist', () => {
    expect(hostProcView.facts(3_999_999)).toBeUndefined();
    expect(hostProcView.executable(3_999_999)).toBeUndefined();
    expect(hostProcView.pidNamespace(3_999_999)).toBeUndefined();
  });

  it("maps this namespace's PIDs to themselves", () => {
    const ns = hostProcView.pidNamespace('self') ?? '';
    expect(namespacePids(hostProcView, ns).get(process.pid)).toBe(process.pid);
  });
});
