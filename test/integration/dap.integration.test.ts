// The DAP backend on a real Kamailio (Debian's 5.6.3): the same walks over GDB/MI and over gdb
// 16's DAP (side-loaded from the Debian 13 root by scripts/gdb16.sh) give the same snapshot,
// fragment for fragment; info, ps and walk --all the same; the target running after each, no
// signal reaching it. kamheap killed (SIGKILL) while DAP holds the target leaves it running and
// untraced; a target killed inside the attach ends the walk at once. What DAP cannot serve (lldb-dap, the script walker, a gdb without DAP) is one line.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fillShm, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import { ExitCode } from '../../src/errors.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { isRunning, kamheapBin, repoRoot, runCli, startCli, waitUntil } from '../helpers/run-cli.js';
import { exists, expectInstanceHealthy, expectInstanceUntraced, expectNoSignalLoggedSince, tracerPid } from '../helpers/target-health.js';
import { waitAttachWindow } from '../faults/attach-window.js';

const gdb16 = `${repoRoot}scripts/gdb16.sh`;
const dap = ['--debugger', 'gdb-dap', '--gdb', gdb16];
let kamailio: KamailioInstance;
let timerPid: number;
let receiverPid: number;
let logStart = 0;

/** The Debian 13 root is made once (a few minutes, mmdebstrap); cached, milliseconds. */
const ROOT_TIMEOUT_MS = 40 * 60_000;

beforeAll(async () => {
  // The Debian 13 root holds gdb 16.
  await execa(`${repoRoot}scripts/build-debian13-root.sh`, { stdio: ['ignore', 'pipe', 'inherit'] });
  await startInstance();
}, ROOT_TIMEOUT_MS);

/** A fresh instance with 5,000 more shm fragments; its timer and UDP receiver. */
async function startInstance(): Promise<void> {
  kamailio = await startKamailio({ children: 1 });
  await fillShm(kamailio, { cells: 5000 });
  const processes = await kamailio.processes();
  const timer = processes.find((p) => p.description === 'timer');
  const receiver = processes.find((p) => /^udp receiver/.test(p.description));
  if (!timer || !receiver) throw new Error('no timer or udp receiver process');
  timerPid = timer.pid;
  receiverPid = receiver.pid;
  logStart = 0;
}

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
  await expectInstanceUntraced(kamailio);
  logStart = expectNoSignalLoggedSince(kamailio, logStart);
});

afterAll(async () => {
  await stopAllKamailio();
});

/** A snapshot without what differs from run to run of the same heap (times, and the creation stamp). */
function stable(snapshot: Snapshot): unknown {
  const { createdAt: _createdAt, walk, processes, ...rest } = snapshot;
  const { pauseMs: _p, attachMs: _a, detachMs: _d, durationMs: _t, ...steady } = walk;
  return { ...rest, walk: steady, processes: processes?.map((p) => ('walk' in p && p.walk ? { ...p, walk: { ...p.walk, pauseMs: 0, attachMs: 0, detachMs: 0, durationMs: 0 } } : p)) };
}

/** Runs the CLI and parses its JSON stdout; it must succeed. */
async function json(args: string[]): Promise<unknown> {
  const result = await runCli(args);
  expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
  return JSON.parse(result.stdout) as unknown;
}

/**
 * The command's JSON over MI, over DAP, and over MI again: when both MI runs agree (the heap did
 * not change meanwhile), DAP must give exactly that. Tried a few times, so a live heap that moved
 * between two runs is walked again instead of compared.
 */
async function sameOverBoth(args: string[], view: (value: unknown) => unknown): Promise<{ mi: unknown; dap: unknown }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const before = view(await json(args));
    const overDap = view(await json([...args, ...dap]));
    const after = view(await json(args));
    if (JSON.stringify(before) === JSON.stringify(after)) return { mi: before, dap: overDap };
  }
  throw new Error(`the heap kept changing between walks of ${args.join(' ')}`);
}

describe('over gdb 16 DAP as over GDB/MI', () => {
  it('walk --heap shm --stop --fragments: the same snapshot, fragment for fragment', async () => {
    const { mi, dap: overDap } = await sameOverBoth(['walk', String(timerPid), '--heap', 'shm', '--stop', '--fragments', '--format', 'json'], (v) => stable(v as Snapshot));
    expect((mi as Snapshot).fragments?.length).toBeGreaterThan(5000);
    expect(overDap).toEqual(mi);
  });

  it("walk of one process's pkg --fragments: the same snapshot, fragment for fragment", async () => {
    const { mi, dap: overDap } = await sameOverBoth(['walk', String(receiverPid), '--fragments', '--format', 'json'], (v) => stable(v as Snapshot));
    expect((mi as Snapshot).fragments?.length).toBeGreaterThan(100);
    expect(overDap).toEqual(mi);
  });

  it('walk --all: the same shm snapshot and the same section for every process', async () => {
    const { mi, dap: overDap } = await sameOverBoth(['walk', String(timerPid), '--all', '--format', 'json'], (v) => stable(v as Snapshot));
    expect((mi as Snapshot).processes?.length).toBe((await kamailio.processes()).length);
    expect((mi as Snapshot).processes?.every((p) => !('error' in p) || p.error === undefined)).toBe(true);
    expect(overDap).toEqual(mi);
  });

  it('info and ps: the same JSON', async () => {
    const info = await sameOverBoth(['info', String(receiverPid), '--format', 'json'], (v) => v);
    expect(info.dap).toEqual(info.mi);
    const ps = await sameOverBoth(['ps', String(timerPid), '--format', 'json'], (v) => v);
    expect(ps.dap).toEqual(ps.mi);
  });
});

describe('/proc/PID/mem that cannot be opened: reads through the debugger', () => {
  it.each([['gdb-mi', 'gdb'], ['gdb-dap', gdb16]])('over %s: the same pkg snapshot, fragment for fragment, memorySource debugger', async (name, gdbPath) => {
    // A mount namespace of the walk's own where /proc/PID/mem is a socket (open fails: ENXIO), as a
    // container runtime masks /proc paths; ptrace is still allowed, and gdb reads through its own
    // per-thread file or ptrace.
    const dir = mkdtempSync(join(tmpdir(), 'kamheap-dap-'));
    const socket = join(dir, 'mask.sock');
    const server = createServer().listen(socket);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const walk = ['walk', String(receiverPid), '--fragments', '--format', 'json'];
      const masked = async (): Promise<unknown> => {
        const result = await execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "/proc/$2/mem" && shift 2 && exec "$@"', 'sh', socket, String(receiverPid), process.execPath, kamheapBin, ...walk, '--debugger', name, '--gdb', gdbPath], { reject: false });
        expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
        return JSON.parse(result.stdout) as unknown;
      };
      const view = (v: unknown): unknown => {
        const { memorySource: _m, ...walkRest } = (stable(v as Snapshot) as Snapshot).walk;
        return { ...(stable(v as Snapshot) as Snapshot), walk: walkRest };
      };
      for (let attempt = 0; ; attempt++) {
        const before = await json(walk);
        const through = await masked();
        const after = await json(walk);
        expect((before as Snapshot).walk.memorySource).toBe('proc');
        expect((through as Snapshot).walk.memorySource).toBe('debugger');
        if (JSON.stringify(view(before)) !== JSON.stringify(view(after)) && attempt < 3) continue;
        expect(view(before)).toEqual(view(after));
        expect(view(through)).toEqual(view(before));
        break;
      }
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('safety over DAP', () => {
  it('kamheap killed (SIGKILL) while DAP holds the target: the target runs again, untraced, and no adapter is left', async () => {
    // The text summary to a pipe nobody reads past: the walk itself is what matters.
    const cli = startCli(['walk', String(timerPid), '--heap', 'shm', '--stop', ...dap]);
    const pid = cli.pid ?? 0;
    let ended = false;
    void cli.then(() => (ended = true));
    // The attach: gdb (the side-loaded ld.so running gdb 16) traces the timer. kamheap is frozen
    // there at once (SIGSTOP), so its kill lands while the target is held.
    await waitUntil(() => tracerPid(timerPid) !== 0 || ended, 30_000, 'the DAP attach');
    expect(ended).toBe(false);
    process.kill(pid, 'SIGSTOP');
    const adapter = tracerPid(timerPid);
    expect(adapter).not.toBe(0);
    expect(readFileSync(`/proc/${adapter}/cmdline`, 'utf8')).toMatch(/--interpreter=dap/);
    process.kill(pid, 'SIGKILL');
    await cli;
    await waitUntil(() => isRunning(timerPid) && tracerPid(timerPid) === 0, 5000, 'the target to run untraced');
    await waitUntil(() => !exists(adapter), 5000, 'the adapter to end');
  });

  // gdb may never report a stop for a target killed inside its attach: kamheap sees the death in
  // /proc and ends at once (it waited for the attach deadline, 10 s, over GDB/MI). Killing a worker
  // ends the instance, so a fresh one is started for the tests after this one.
  it('the target killed inside the DAP attach: exit 15 within 2 s, no adapter left', async () => {
    const cli = startCli(['walk', String(timerPid), '--heap', 'shm', '--stop', ...dap]);
    const window = waitAttachWindow(timerPid, cli.pid ?? 0, 30_000);
    expect(window.seen).toBe(true);
    process.kill(timerPid, 'SIGKILL');
    const killedAt = performance.now();
    const result = await cli;
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: ExitCode.targetExited, stderr: `kamheap: PID ${timerPid} exited during the walk` });
    expect(performance.now() - killedAt).toBeLessThan(2000);
    if (window.seen) await waitUntil(() => !exists(window.tracer), 2000, 'the adapter to end');
    await stopAllKamailio();
    await startInstance();
  });

  it('never sends terminate or terminateDebuggee: true (the source says so)', () => {
    const sources = ['src/dap/dap-requests.ts', 'src/dap/dap-session.ts', 'src/debugger/dap-debugger.ts'].map((f) => readFileSync(`${repoRoot}${f}`, 'utf8')).join('\n');
    expect(sources).not.toMatch(/'terminate'|terminateDebuggee: true|'pause'|'continue'/);
  });
});

describe('what DAP cannot serve, in one line', () => {
  it.each([
    [['walk', '--debugger', 'lldb-dap'], ExitCode.debuggerUnsupported, /^kamheap: lldb-dap cannot serve kamheap: its evaluate answers/],
    [['walk', '--walker', 'script', ...dap], ExitCode.debuggerUnsupported, /^kamheap: the script walker runs a gdb script over GDB\/MI, not over gdb-dap/],
    [['info', '--debugger', 'gdb-dap', '--gdb', 'gdb'], ExitCode.gdbMissing, /^kamheap: gdb has no DAP interpreter \(gdb -i dap needs gdb 14 or later/],
    [['ps', '--debugger', 'dap'], ExitCode.usage, /^kamheap: --debugger must be gdb-mi, gdb-dap, lldb-dap or auto, not "dap"/],
  ])('%j', async (args, exitCode, message) => {
    const [command, ...rest] = args;
    const result = await runCli([command ?? '', String(receiverPid), ...rest]);
    expect(result.exitCode).toBe(exitCode);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});
