// The MI transport against a fake gdb that answers, hangs, dies or refuses: every failure becomes
// the right typed error, and the session never hangs.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GdbCommandError } from '../../src/errors.js';
import { withAttachedTarget } from '../../src/gdb/attached-target.js';
import { sendDataEvaluateExpression, sendTargetAttach } from '../../src/gdb/commands.js';
import { GdbPipeError, GdbTimeoutError } from '../../src/gdb/gdb-errors.js';
import { GdbSession } from '../../src/gdb/gdb-session.js';
import { resolveHeapRoot } from '../../src/locate/heap-roots.js';

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
  for (const s of sessions.splice(0)) {
    s.kill();
    await s.close(100);
  }
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
    await expect(gdb.send('-gdb-version')).rejects.toBeInstanceOf(GdbPipeError);
  });

  it('turns ^error into GdbCommandError with gdb\'s message', async () => {
    const gdb = await start('nosym');
    await expect(sendDataEvaluateExpression(gdb, 'x', 1000)).rejects.toThrow(GdbCommandError);
    await expect(resolveHeapRoot(gdb, 4242, 'shm', 1000)).rejects.toMatchObject({ kind: 'not-kamailio', message: 'PID 4242 is not a Kamailio process (its executable has no _shm_root or shm_block)' });
  });

  it('maps a refused ptrace attach to a permission error', async () => {
    const gdb = await start('eperm');
    await expect(sendTargetAttach(gdb, 4242, 1000)).rejects.toMatchObject({ kind: 'permission' });
  });

  it('reports a missing gdb executable', async () => {
    await expect(GdbSession.start({ gdbPath: '/nonexistent/gdb' })).rejects.toMatchObject({ kind: 'gdb-missing' });
  });

  it('cancels a running body on abort, then detaches', async () => {
    const log = commandLog();
    process.env['FAKE_GDB_MODE'] = 'stall';
    const controller = new AbortController();
    const run = withAttachedTarget({ pid: process.pid, gdbPath: fakeGdb, signal: controller.signal }, (target) => {
      setTimeout(() => controller.abort('timeout'), 50);
      return target.gdb.send('-interpreter-exec console "source walk.gdb"');
    });
    await expect(run).rejects.toMatchObject({ kind: 'timeout' });
    const commands = readFileSync(log, 'utf8').split('\n');
    expect(commands.indexOf('-target-detach')).toBeGreaterThan(commands.indexOf('-target-attach ' + process.pid));
  });

  it('does not attach when the abort came first', async () => {
    const log = commandLog();
    process.env['FAKE_GDB_MODE'] = 'ok';
    const controller = new AbortController();
    controller.abort('interrupted');
    let ran = false;
    await expect(
      withAttachedTarget({ pid: process.pid, gdbPath: fakeGdb, signal: controller.signal }, async () => {
        ran = true;
      }),
    ).rejects.toBe('interrupted');
    expect(ran).toBe(false);
    expect(readFileSync(log, 'utf8')).not.toMatch(/-target-attach/);
  });
});

/** A fresh file the fake gdb appends its commands to. */
function commandLog(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kamheap-fake-gdb-')), 'commands.log');
  writeFileSync(file, '');
  process.env['FAKE_GDB_LOG'] = file;
  return file;
}
