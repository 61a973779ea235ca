// The guard (gdb-scripts/kamheap-guard.sh) on real processes: when its input ends it kills gdb's
// whole process group, and resumes a target left in a job-control stop only when that target was
// announced attached and running before.
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { GdbGuard } from '../../src/gdb/gdb-guard.js';
import { processState } from '../../src/proc/process.js';
import { groupPids } from '../../testbed/index.js';

const started: ResultPromise[] = [];

/** A process in a group of its own with a child, standing in for gdb and a helper it forked. */
function fakeGdbGroup(): ResultPromise {
  const leader = execa('sh', ['-c', 'sleep 600 & wait'], { detached: true, reject: false });
  started.push(leader);
  return leader;
}

/** A process to play the target, stopped as an interrupted attach leaves it. */
async function stoppedTarget(): Promise<number> {
  const target = execa('sleep', ['600'], { reject: false });
  started.push(target);
  const pid = target.pid ?? 0;
  process.kill(pid, 'SIGSTOP');
  await until(() => processState(pid) === 'T');
  return pid;
}

afterEach(async () => {
  for (const p of started.splice(0)) {
    if (p.pid) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        p.kill('SIGKILL');
      }
    }
    await p;
  }
});

describe('the guard', () => {
  it('kills the whole gdb process group when its input ends', async () => {
    const gdb = fakeGdbGroup();
    await until(() => groupPids(gdb.pid ?? 0).length === 2);
    await GdbGuard.start(gdb.pid ?? 0).finish(3000);
    await until(() => groupPids(gdb.pid ?? 0).length === 0);
  });

  it('resumes a stopped target that was announced attached and running before', async () => {
    const target = await stoppedTarget();
    const guard = GdbGuard.start(fakeGdbGroup().pid ?? 0);
    await guard.announceAttach(target, true);
    await guard.finish(3000);
    expect(processState(target)).not.toBe('T');
  });

  it.each([
    ['was stopped before the attach', async (guard: GdbGuard, target: number) => guard.announceAttach(target, false)],
    ['was detached cleanly', async (guard: GdbGuard, target: number) => {
      await guard.announceAttach(target, true);
      await guard.announceDetached();
    }],
    ['was never announced', async () => undefined],
  ])('leaves alone a stopped target that %s', async (_what, announce) => {
    const target = await stoppedTarget();
    const guard = GdbGuard.start(fakeGdbGroup().pid ?? 0);
    await announce(guard, target);
    await guard.finish(3000);
    expect(processState(target)).toBe('T');
  });
});

async function until(predicate: () => boolean): Promise<void> {
  const end = Date.now() + 3000;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
