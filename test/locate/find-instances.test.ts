// Finding the running instances from /proc: the main process of each, over the recorded /proc
// facts of live 5.6.3 instances (test/fixtures/process-table/), one on the host and one in a PID
// namespace of its own, alone and side by side.
import { describe, expect, it } from 'vitest';
import { ExitCode, KamheapError } from '../../src/errors.js';
import { findInstances, noInstanceError, theOnlyInstance, type InstanceSearch } from '../../src/locate/find-instances.js';
import type { ProcView } from '../../src/proc/proc-view.js';
import { hostProcess, loadCapture, recordedView, type RecordedProcess } from './process-table-fixture.js';

const host = loadCapture('kamailio-5.6.3');
const namespaced = loadCapture('kamailio-5.6.3-pidns');
const kamailioExe = '65024:15884289';

/** The recorded Kamailio executable is Kamailio; the test counts how often it is asked. */
function kamailioTest(view: ProcView): { test: (pid: number) => boolean; asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    test: (pid) => {
      asked.push(pid);
      const exe = view.executable(pid);
      return exe !== undefined && `${exe.dev}:${exe.ino}` === kamailioExe;
    },
  };
}

function search(processes: Record<string, RecordedProcess>): InstanceSearch & { asked: number[] } {
  const view = recordedView(host.self, processes);
  const test = kamailioTest(view);
  return { ...findInstances(view, test.test), asked: test.asked };
}

describe('findInstances', () => {
  it('finds the main process of a host instance and counts its processes', () => {
    expect(search(host.proc)).toMatchObject({ instances: [{ pid: host.psx[0]?.pid, processCount: host.count }], uninspectable: 0 });
  });

  it("finds a namespaced instance's main process by the PID kamheap sees, not its launcher", () => {
    expect(search(namespaced.proc).instances).toEqual([{ pid: namespaced.target, processCount: namespaced.count }]);
  });

  it('finds each of several instances, asking once per executable whether it is Kamailio', () => {
    const both = search({ ...host.proc, ...namespaced.proc });
    expect(both.instances.map((i) => i.pid).sort()).toEqual([5172, 5189]);
    // Two executables among the mains' candidates: Kamailio's and unshare's.
    expect(both.asked).toHaveLength(2);
  });

  it('finds none when no executable is Kamailio, or the main process is a zombie', () => {
    expect(findInstances(recordedView(host.self, host.proc), () => false).instances).toEqual([]);
    const zombie = { ...host.proc, '5172': { ...(host.proc['5172'] as RecordedProcess), state: 'Z' } };
    // Its children then have a parent kamheap cannot see: each looks like a main process.
    expect(search(zombie).instances.map((i) => i.pid)).not.toContain(5172);
  });

  it('skips kernel threads and counts the processes this user may not inspect', () => {
    const view = recordedView(host.self, { ...host.proc, '2': hostProcess(0, null), '900': hostProcess(1, ['1', '2']) });
    const denying: ProcView = {
      ...view,
      executable: (pid) => {
        if (pid === 900) throw new KamheapError('permission', 'not allowed to inspect PID 900');
        return view.executable(pid);
      },
    };
    expect(findInstances(denying, kamailioTest(view).test)).toEqual({ instances: [{ pid: 5172, processCount: 7 }], uninspectable: 1 });
  });
});

describe('theOnlyInstance', () => {
  it('is the one instance running', () => {
    expect(theOnlyInstance({ instances: [{ pid: 5172, processCount: 7 }], uninspectable: 0 }, 'doctor')).toBe(5172);
  });

  it('is an error naming what was looked for when none runs (exit 3), saying when some processes were hidden', () => {
    const none = (): number => theOnlyInstance({ instances: [], uninspectable: 0 }, 'doctor');
    expect(none).toThrow('no running Kamailio found (no process runs an executable that defines _pkg_root or mem_block)');
    expect(noInstanceError({ instances: [], uninspectable: 0 }).exitCode).toBe(ExitCode.noSuchProcess);
    expect(noInstanceError({ instances: [], uninspectable: 12 }).message).toMatch(/; 12 processes could not be inspected: run as root or with CAP_SYS_PTRACE$/);
  });

  it('asks for a PID when several run, one line per instance (exit 2)', () => {
    let error: unknown;
    try {
      // PIDs of this test's own process tree: one that exists, one that does not.
      theOnlyInstance({ instances: [{ pid: process.pid, processCount: 1 }, { pid: 3_999_999, processCount: 7 }], uninspectable: 0 }, 'doctor');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KamheapError);
    const e = error as KamheapError;
    expect({ message: e.message, code: e.exitCode }).toEqual({ message: '2 Kamailio instances are running: give the PID of one (kamheap doctor PID)', code: ExitCode.usage });
    expect(e.detailLines).toEqual([`${String(process.pid).padStart(7)}  ${process.execPath}  1 process`, `${'3999999'.padStart(7)}  (exited)  7 processes`]);
  });
});
