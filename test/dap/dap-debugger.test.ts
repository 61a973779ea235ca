// The DAP backend against a fake adapter that replays gdb 16's captured answers, or hangs, dies,
// or writes what is not DAP: every failure is a typed error within its deadline, the adapter is
// ended, and kamheap never hangs nor buffers without bound.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GdbCommandError, MemoryReadError } from '../../src/errors.js';
import { DapDebugger } from '../../src/debugger/dap-debugger.js';
import { DapProtocolError, GdbTimeoutError } from '../../src/gdb/gdb-errors.js';
import { gdbLaunch } from '../../src/gdb/gdb-launch.js';
import { DapSession } from '../../src/dap/dap-session.js';
import { groupPids } from '../../testbed/index.js';

const fakeAdapter = fileURLToPath(new URL('../fixtures/fake-dap/adapter.mjs', import.meta.url));
const facts = JSON.parse(readFileSync(new URL('../fixtures/dap/gdb-16.3-session.json', import.meta.url), 'utf8')) as { pkgRootAddress: string; pkgRootBytes: string };
const started: DapDebugger[] = [];
const sessions: DapSession[] = [];

/** Starts the fake adapter in a mode, as DapDebugger starts gdb -i dap; ended after the test. */
async function start(mode: string): Promise<DapDebugger> {
  process.env['FAKE_DAP_MODE'] = mode;
  const dap = await DapDebugger.start(fakeAdapter, 2000);
  started.push(dap);
  return dap;
}

/** Waits (bounded) until no process of the group is left. */
async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 200 && groupPids(pgid).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return groupPids(pgid).length === 0;
}

afterEach(async () => {
  for (const dap of started.splice(0)) await dap.close(0);
  for (const session of sessions.splice(0)) await session.close(0);
  delete process.env['FAKE_DAP_MODE'];
});

describe('DapDebugger', () => {
  it("runs kamheap's steps on gdb's captured answers: load, evaluate, type, attach, read, detach", async () => {
    const dap = await start('ok');
    await dap.loadExecutable(4242, 'stop', 1000);
    expect(await dap.evaluate('(unsigned long)&_pkg_root', 1000)).toBe('5418912');
    expect(await dap.evaluate('(char *) &ver_version', 1000)).toBe('"5.6.3"');
    await expect(dap.evaluate('(unsigned long)&no_such_symbol', 1000)).rejects.toThrow(GdbCommandError);
    // `whatis` of a symbol without DWARF: no type, as -symbol-info-variables says over MI.
    expect(await dap.variableType('_pkg_root', 1000)).toBeUndefined();
    await dap.attach(4242, 1000);
    expect(await dap.heldPids()).toEqual([4242]);
    const bytes = await dap.readMemory(BigInt(facts.pkgRootAddress), 64, 1000);
    expect(bytes.toString('hex')).toBe(facts.pkgRootBytes);
    await expect(dap.readMemory(0n, 4096, 1000)).rejects.toThrow(MemoryReadError);
    await dap.detach(1000);
    expect(await dap.heldPids()).toEqual([]);
    expect(dap.reattachable).toBe(false);
    await expect(dap.attach(4242, 1000)).rejects.toThrow(/already detached once/);
  });

  it('refuses the script walker in one line', async () => {
    const dap = await start('ok');
    await expect(dap.console()).rejects.toMatchObject({ kind: 'debugger-unsupported' });
  });

  it('times out a request the adapter never answers', async () => {
    process.env['FAKE_DAP_MODE'] = 'hang';
    const error = await DapDebugger.start(fakeAdapter, 300).catch((e: unknown) => e);
    // The start's initialize is the request that timed out: one line, not a hang.
    expect(error).toBeInstanceOf(GdbTimeoutError);
  });

  it('says a gdb without DAP has none, when the adapter dies at once', async () => {
    process.env['FAKE_DAP_MODE'] = 'die';
    await expect(DapDebugger.start(fakeAdapter, 2000)).rejects.toMatchObject({ kind: 'gdb-missing', message: expect.stringMatching(/has no DAP interpreter/) as unknown });
  });

  it.each(['garbage', 'notjson', 'huge', 'endless'])('ends an adapter that writes what is not DAP (%s), its requests failing in one line', async (mode) => {
    process.env['FAKE_DAP_MODE'] = mode;
    const session = await DapSession.start(gdbLaunch(fakeAdapter, 'dap'));
    sessions.push(session);
    const error = await session.request('initialize', {}, 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DapProtocolError);
    expect((error as DapProtocolError).kind).toBe('gdb-failed');
    expect(session.alive).toBe(false);
    await expect(session.request('evaluate', {}, 1000)).rejects.toThrow(/debug adapter is gone/);
    // Killed, not left writing: its process (a group of its own) is gone.
    expect(await groupGone(session.pid)).toBe(true);
  });
});
