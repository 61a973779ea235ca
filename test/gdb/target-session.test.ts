// The attach lifecycle against a fake gdb that stalls, attaches slowly, hangs or refuses: a stop
// request never reaches gdb as a signal, a step in flight (the attach included) gets a moment to
// finish before the detach, a hung gdb is killed, and every ending is bounded in time.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TargetSession } from '../../src/gdb/target-session.js';
import { inspectTarget } from '../../src/proc/process.js';
import { RunControl } from '../../src/run-control.js';
import { activeTimers } from '../helpers/active-timers.js';

const fakeGdb = fileURLToPath(new URL('../fixtures/fake-gdb/gdb', import.meta.url));
let target: ResultPromise;
let pid: number;
// Another process of the same executable, and one of another executable (walk --all's targets).
let sibling: ResultPromise;
let stranger: ResultPromise;

beforeAll(() => {
  // Harmless processes to "attach" to: the fake gdb never touches them.
  target = execa('sleep', ['600']);
  pid = target.pid ?? 0;
  sibling = execa('sleep', ['600']);
  stranger = execa('tail', ['-f', '/dev/null']);
});

afterAll(async () => {
  for (const child of [target, sibling, stranger]) {
    child.kill('SIGKILL');
    await child.catch(() => undefined);
  }
});

afterEach(() => {
  delete process.env['FAKE_GDB_MODE'];
  delete process.env['FAKE_GDB_LOG'];
  delete process.env['FAKE_GDB_ATTACH_DELAY'];
});

/** Sets the fake gdb's mode and returns the file it logs its commands (and any SIGINT) to. */
function fake(mode: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kamheap-fake-gdb-')), 'commands.log');
  writeFileSync(file, '');
  process.env['FAKE_GDB_MODE'] = mode;
  process.env['FAKE_GDB_LOG'] = file;
  return file;
}

function commands(log: string): string[] {
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

async function open(control: RunControl, limits = {}): Promise<TargetSession> {
  return TargetSession.open({ pid, control, gdbPath: fakeGdb, limits });
}

describe('TargetSession', () => {
  it('opens, attaches, detaches and closes in that order', async () => {
    const log = fake('ok');
    const session = await open(new RunControl());
    const pause = await session.closeAfter(async () => {
      await session.attach();
      return session.detach();
    });
    expect(pause.attachMs).toBeGreaterThanOrEqual(0);
    expect(pause.detachMs).toBeGreaterThanOrEqual(0);
    expect(pause.attachMs + pause.detachMs).toBeLessThanOrEqual(pause.pauseMs);
    const sent = commands(log);
    // Separate debug info is looked up on the host and in the target's own root, before the executable is loaded.
    expect(sent.slice(0, 2)).toEqual([`-gdb-set debug-file-directory /usr/lib/debug:/proc/${pid}/root/usr/lib/debug`, `-file-exec-and-symbols "/proc/${pid}/exe"`]);
    expect(sent).toContain('-gdb-set sysroot /proc/kamheap-no-sysroot');
    expect(sent).toContain('-gdb-set libthread-db-search-path /proc/kamheap-no-libthread-db');
    expect(sent.slice(-3)).toEqual([`-target-attach ${pid}`, '-target-detach', '-gdb-exit']);
  });

  it('runs gdb without an OS ABI unless gdb itself reads the stopped target (script walker)', async () => {
    const log = fake('ok');
    await (await open(new RunControl())).close();
    expect(commands(log)).toContain('-gdb-set osabi none');
    const reads = fake('ok');
    await (await TargetSession.open({ pid, control: new RunControl(), gdbPath: fakeGdb, gdbReadsTarget: true })).close();
    expect(commands(reads)).not.toContain('-gdb-set osabi none');
  });

  it('attaches the processes of one executable in turn, each after gdb says it holds none', async () => {
    const log = fake('ok');
    const session = await open(new RunControl());
    const other = inspectTarget(sibling.pid ?? 0);
    const pauses = await session.closeAfter(async () => {
      await session.attach();
      const first = await session.detach();
      await session.attach(other);
      return [first, await session.detach()];
    });
    expect(pauses).toHaveLength(2);
    const sent = commands(log);
    expect(sent.filter((c) => /^-(target|list|gdb-exit)/.test(c))).toEqual([`-target-attach ${pid}`, '-target-detach', '-list-thread-groups', `-target-attach ${other.pid}`, '-target-detach', '-gdb-exit']);
    // Loaded once: one gdb for both.
    expect(sent.filter((c) => c.startsWith('-file-exec-and-symbols'))).toHaveLength(1);
  });

  it('never attaches a second process while gdb still holds one (its attach would kill that one)', async () => {
    const log = fake('holds');
    const session = await open(new RunControl());
    await session.attach();
    await session.detach();
    const error = await session.attach(inspectTarget(sibling.pid ?? 0)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'gdb-failed', message: 'gdb still holds PID 4242: not attaching another process with it' });
    await session.close();
    expect(commands(log).filter((c) => c.startsWith('-target-attach'))).toEqual([`-target-attach ${pid}`]);
  });

  it('refuses a process of another executable, and a PID reused since the caller saw it, before gdb hears of it', async () => {
    const log = fake('ok');
    const session = await open(new RunControl());
    await expect(session.attach(inspectTarget(stranger.pid ?? 0))).rejects.toMatchObject({ kind: 'target-exited', message: `PID ${stranger.pid} no longer runs the executable of PID ${pid}` });
    await expect(session.attach({ ...inspectTarget(sibling.pid ?? 0), startTime: 1 })).rejects.toMatchObject({ kind: 'target-exited', message: `PID ${sibling.pid} exited before it was attached` });
    await session.close();
    expect(commands(log).filter((c) => c.startsWith('-target-attach'))).toEqual([]);
  });

  it('stays open after a failure between two targets when gdb let go, and closes after an attach gdb refused', async () => {
    fake('ok');
    const session = await open(new RunControl());
    await session.attach();
    const failure = await session.releaseAfterFailure(session.target, new Error('a read failed'));
    expect(failure).toMatchObject({ message: 'a read failed' });
    expect(session.usable).toBe(true);
    await session.close();
    fake('eperm');
    const refusing = await open(new RunControl());
    const refused = await refusing.attach().catch((e: unknown) => e);
    expect(await refusing.releaseAfterFailure(refusing.target, refused)).toMatchObject({ kind: 'permission' });
    expect(refusing.usable).toBe(false);
    expect(refusing.gdb.alive).toBe(false);
  });

  it('on a stop request in the middle of a stalled step, sends gdb no signal and ends it within a second', async () => {
    const log = fake('stall');
    const control = new RunControl();
    const session = await open(control);
    const started = performance.now();
    const run = session.closeAfter(async () => {
      await session.attach();
      setTimeout(() => control.stop({ kind: 'timeout', ms: 50 }), 50);
      await session.command((gdb) => gdb.console('kh_walk_batch 100', () => undefined, 10_000));
    });
    await expect(run).rejects.toMatchObject({ kind: 'timeout', message: 'timed out after 0.05 s; target detached and running' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(commands(log)).not.toContain('SIGINT');
  });

  it('lets an attach in flight finish when stopped during it, then detaches (no SIGINT, which gdb would pass to the target)', async () => {
    const log = fake('slowattach');
    process.env['FAKE_GDB_ATTACH_DELAY'] = '0.15';
    const control = new RunControl();
    const session = await open(control);
    const run = session.closeAfter(async () => {
      setTimeout(() => control.stop({ kind: 'signal', signal: 'SIGINT' }), 30);
      await session.attach();
    });
    await expect(run).rejects.toMatchObject({ kind: 'interrupted', message: 'interrupted by SIGINT; target detached and running' });
    const sent = commands(log);
    expect(sent).not.toContain('SIGINT');
    expect(sent.indexOf('-target-detach')).toBeGreaterThan(sent.indexOf(`-target-attach ${pid}`));
  });

  it('kills a gdb that never finishes its attach, within the grace period after a stop request', async () => {
    fake('hangattach');
    const control = new RunControl();
    const session = await open(control);
    const started = performance.now();
    const run = session.closeAfter(async () => {
      setTimeout(() => control.stop({ kind: 'timeout', ms: 50 }), 50);
      await session.attach();
    });
    await expect(run).rejects.toMatchObject({ kind: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(session.gdb.alive).toBe(false);
  });

  it('kills a frozen gdb at its command deadline, with no stop request at all', async () => {
    fake('hangattach');
    const session = await open(new RunControl(), { attachMs: 200 });
    const started = performance.now();
    const run = session.closeAfter(() => session.attach());
    await expect(run).rejects.toMatchObject({ kind: 'gdb-failed', message: 'gdb did not answer within 0.2 s (-target-attach); gdb was ended, target detached and running' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(session.gdb.alive).toBe(false);
  });

  // gdb 13.1 answers an attach whose target was SIGKILLed inside it with ^done and never says
  // *stopped: the wait for the stop used to run to the attach deadline (10 s by default).
  it.each([
    ['inside the attach (gdb never reports the stop)', 'lostattach'],
    ['during a step while it is held (a script that never ends)', 'stall'],
  ])('ends at once when the target dies %s, without waiting for gdb', async (_when, mode) => {
    fake(mode);
    const victim = execa('sleep', ['600']);
    const victimEnded = victim.catch(() => undefined);
    const timers = activeTimers();
    try {
      const session = await TargetSession.open({ pid: victim.pid ?? 0, control: new RunControl(), gdbPath: fakeGdb, limits: { attachMs: 30_000, commandMs: 30_000 } });
      let killedAt = 0;
      const run = session.closeAfter(async () => {
        if (mode === 'lostattach') setTimeout(() => ((killedAt = performance.now()), victim.kill('SIGKILL')), 100);
        await session.attach();
        killedAt = performance.now();
        victim.kill('SIGKILL');
        await session.command((gdb) => gdb.console('kh_walk_batch 100', () => undefined, 30_000));
      });
      await expect(run).rejects.toMatchObject({ kind: 'target-exited', message: `PID ${victim.pid} exited during the walk` });
      expect(performance.now() - killedAt).toBeLessThan(1500);
      expect(session.gdb.alive).toBe(false);
      expect(activeTimers()).toBeLessThanOrEqual(timers);
    } finally {
      victim.kill('SIGKILL');
      await victimEnded;
    }
  });

  it('stops the walk at --max-pause, counted from the attach', async () => {
    fake('stall');
    const control = new RunControl();
    const session = await TargetSession.open({ pid, control, gdbPath: fakeGdb, maxPauseMs: 100 });
    const run = session.closeAfter(async () => {
      await session.attach();
      await session.command((gdb) => gdb.console('kh_walk_batch 100', () => undefined, 10_000));
    });
    await expect(run).rejects.toMatchObject({ kind: 'pause-limit', message: expect.stringMatching(new RegExp(`^stopped the walk: PID ${pid} had been paused for 0.1 s \\(--max-pause\\); target detached and running`)) as unknown });
  });

  it('ends at once after a refused attach, leaving no timer behind', async () => {
    fake('eperm');
    const timers = activeTimers;
    const before = timers();
    const session = await open(new RunControl());
    const started = performance.now();
    await expect(session.closeAfter(() => session.attach())).rejects.toMatchObject({ kind: 'permission' });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('refuses a PID that now belongs to another process than the caller saw, before gdb starts', async () => {
    const log = fake('ok');
    const error = await TargetSession.open({ pid, control: new RunControl(), gdbPath: fakeGdb, startTime: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'target-exited', message: `PID ${pid} exited (the PID now belongs to another process)` });
    expect(commands(log)).toEqual([]);
  });

  it('does not start gdb when stopped before it opens', async () => {
    const log = fake('ok');
    const control = new RunControl();
    control.stop({ kind: 'signal', signal: 'SIGTERM' });
    await expect(open(control)).rejects.toMatchObject({ kind: 'interrupted' });
    expect(commands(log)).toEqual([]);
  });

  it('refuses a process that another debugger holds, naming it', async () => {
    fake('ok');
    // A gdb reading commands from a pipe: it holds the process until its input ends, then detaches.
    const tracer = execa('gdb', ['-nx', '-q', '-p', String(pid)], { reject: false, stdin: 'pipe' });
    try {
      await waitFor(() => /TracerPid:\s*[1-9]/.test(readFileSync(`/proc/${pid}/status`, 'utf8')), 5000);
      await expect(open(new RunControl())).rejects.toMatchObject({ kind: 'permission', message: expect.stringMatching(new RegExp(`^PID ${pid} is already traced by PID \\d+ \\(gdb\\)$`)) as unknown });
    } finally {
      tracer.stdin?.end();
      await tracer;
    }
  });
});

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
