// The MI transport against a fake gdb that answers, hangs, dies or refuses: every failure becomes
// the right typed error, and the session never hangs.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GdbCommandError } from '../../src/errors.js';
import { sendDataEvaluateExpression, sendTargetAttach } from '../../src/gdb/commands.js';
import { GdbPipeError, GdbTimeoutError } from '../../src/gdb/gdb-errors.js';
import { GdbSession } from '../../src/gdb/gdb-session.js';
import { MiDebugger } from '../../src/debugger/mi-debugger.js';
import { resolveHeapRoot } from '../../src/locate/heap-roots.js';
import { groupPids } from '../../testbed/index.js';
import { activeTimers } from '../helpers/active-timers.js';

const fakeGdb = fileURLToPath(new URL('../fixtures/fake-gdb/gdb', import.meta.url));
const sessions: GdbSession[] = [];

/** Starts the fake gdb in a mode; the session is killed after the test. */
async function start(mode: string): Promise<GdbSession> {
  process.env['FAKE_GDB_MODE'] = mode;
  const session = await GdbSession.start({ gdbPath: fakeGdb });
  sessions.push(session);
  return session;
}

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close(0);
  delete process.env['FAKE_GDB_MODE'];
  delete process.env['FAKE_GDB_LOG'];
});

describe('GdbSession', () => {
  it('matches answers to commands by token', async () => {
    const gdb = await start('ok');
    const [a, b] = await Promise.all([sendDataEvaluateExpression(gdb, '1+1', 1000), sendDataEvaluateExpression(gdb, '2+2', 1000)]);
    expect([a, b]).toEqual(['42', '42']);
  });

  it('ignores lines that are not MI and passes console text to the running command', async () => {
    const gdb = await start('noise');
    const console: string[] = [];
    await gdb.send('-interpreter-exec console "echo"', { timeoutMs: 1000, onConsole: (t) => console.push(t) });
    expect(console).toEqual(['console text\n']);
  });

  it('times out on a gdb that never answers', async () => {
    const gdb = await start('hang');
    await expect(gdb.send('-gdb-version', { timeoutMs: 200 })).rejects.toBeInstanceOf(GdbTimeoutError);
  });

  it('rejects pending commands when gdb dies', async () => {
    const gdb = await start('die');
    await gdb.send('-gdb-version', { timeoutMs: 1000 });
    const error = await gdb.send('-gdb-version', { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GdbPipeError);
    expect(String(error)).toMatch(/gdb died \(exit code 3\)/);
    await expect(gdb.send('-gdb-version', { timeoutMs: 1000 })).rejects.toBeInstanceOf(GdbPipeError);
  });

  it('turns ^error into GdbCommandError with gdb\'s message', async () => {
    const gdb = await start('nosym');
    await expect(sendDataEvaluateExpression(gdb, 'x', 1000)).rejects.toThrow(GdbCommandError);
    await expect(resolveHeapRoot(new MiDebugger(gdb), 4242, 'shm', 1000)).rejects.toMatchObject({ kind: 'not-kamailio', message: 'PID 4242 is not a Kamailio process (its executable has no _shm_root or shm_block)' });
  });

  it('maps a refused ptrace attach to a permission error', async () => {
    const gdb = await start('eperm');
    await expect(sendTargetAttach(gdb, 4242, 1000)).rejects.toMatchObject({ kind: 'permission' });
  });

  it('reports a missing gdb executable', async () => {
    await expect(GdbSession.start({ gdbPath: '/nonexistent/gdb' })).rejects.toMatchObject({ kind: 'gdb-missing' });
  });

  it('ends a frozen gdb and its whole process group on close, within the grace period', async () => {
    const gdb = await start('stopself');
    await expect(gdb.send('-gdb-version', { timeoutMs: 200 })).rejects.toBeInstanceOf(GdbTimeoutError);
    const started = performance.now();
    await gdb.close(100);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(gdb.alive).toBe(false);
    await groupGone(gdb.pid);
  });

  it('notices gdb dying although a child it left behind holds the pipes open, and ends that child too', async () => {
    const gdb = await start('forkdie');
    await gdb.send('-gdb-version', { timeoutMs: 1000 });
    const started = performance.now();
    await expect(gdb.send('-gdb-version', { timeoutMs: 5000 })).rejects.toBeInstanceOf(GdbPipeError);
    await gdb.close(100);
    expect(performance.now() - started).toBeLessThan(1500);
    await groupGone(gdb.pid);
  });

  it('withdraws a wait for an async record when asked, leaving no timer behind', async () => {
    const gdb = await start('ok');
    const before = activeTimers();
    const wait = gdb.waitForAsync(() => false, 60_000);
    wait.cancel();
    expect(activeTimers()).toBe(before);
  });
});

/** Waits (bounded) until no live process is left in the group (killed ones may stay zombies a while). */
async function groupGone(pgid: number): Promise<void> {
  const end = Date.now() + 1000;
  while (groupPids(pgid).length > 0) {
    if (Date.now() > end) throw new Error(`process group ${pgid} still has ${groupPids(pgid).join(', ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
