// The attach lifecycle against a fake gdb that stalls, attaches slowly, hangs or refuses: a stop
// request never reaches gdb as a signal, a step in flight (the attach included) gets a moment to
// finish before the detach, a hung gdb is killed, and every ending is bounded in time.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendInterpreterExecConsole } from '../../src/gdb/commands.js';
import { TargetSession } from '../../src/gdb/target-session.js';
import { RunControl } from '../../src/run-control.js';

const fakeGdb = fileURLToPath(new URL('../fixtures/fake-gdb/gdb', import.meta.url));
let target: ResultPromise;
let pid: number;

beforeAll(() => {
  // A harmless process to "attach" to: the fake gdb never touches it.
  target = execa('sleep', ['600']);
  pid = target.pid ?? 0;
});

afterAll(async () => {
  target.kill('SIGKILL');
  await target.catch(() => undefined);
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

  it('on a stop request in the middle of a stalled step, sends gdb no signal and ends it within a second', async () => {
    const log = fake('stall');
    const control = new RunControl();
    const session = await open(control);
    const started = performance.now();
    const run = session.closeAfter(async () => {
      await session.attach();
      setTimeout(() => control.stop({ kind: 'timeout', ms: 50 }), 50);
      await session.command((gdb) => sendInterpreterExecConsole(gdb, 'kh_walk_batch 100', () => undefined, 10_000));
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

  it('stops the walk at --max-pause, counted from the attach', async () => {
    fake('stall');
    const control = new RunControl();
    const session = await TargetSession.open({ pid, control, gdbPath: fakeGdb, maxPauseMs: 100 });
    const run = session.closeAfter(async () => {
      await session.attach();
      await session.command((gdb) => sendInterpreterExecConsole(gdb, 'kh_walk_batch 100', () => undefined, 10_000));
    });
    await expect(run).rejects.toMatchObject({ kind: 'pause-limit', message: expect.stringMatching(new RegExp(`^stopped the walk: PID ${pid} had been paused for 0.1 s \\(--max-pause\\); target detached and running`)) as unknown });
  });

  it('ends at once after a refused attach, leaving no timer behind', async () => {
    fake('eperm');
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
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
