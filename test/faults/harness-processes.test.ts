// The harness's own process plumbing on small stand-ins (sh, sleep, strace, node): a trial's
// processes are found by marker and by parentage and never confused with others; the attach
// window is seen; the pipe reader really closes the pipe.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { waitAttachWindow } from './attach-window.js';
import { startPipeReader } from './pipe-reader.js';
import { isLive } from './proc-facts.js';
import { MARKER_VARIABLE, TrialProcesses } from './trial-processes.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

async function until(predicate: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('TrialProcesses', () => {
  it('finds the processes a run left behind, marked or only descended, and not a stranger', async () => {
    const trial = new TrialProcesses(`test-${process.pid}`);
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(stranger.pid ?? 0);
    // A "kamheap" that starts a marked child and an unmarked one (env -i), then dies.
    const script = `sleep 31 & env -i /bin/sleep 32 & exec sleep 0.3`;
    const root = spawn('sh', ['-c', script], { env: { ...process.env, [MARKER_VARIABLE]: trial.marker }, stdio: 'ignore' });
    trial.setRoot(root.pid ?? 0);
    await until(() => {
      trial.scan();
      return trial.seen().length >= 2;
    });
    await new Promise((r) => root.once('exit', r));
    const left = trial.leftovers();
    for (const p of left) started.push(p.pid);
    expect(left.map((p) => p.cmdline).sort()).toEqual(['/bin/sleep 32', 'sleep 31']);
    expect(left.map((p) => p.pid)).not.toContain(stranger.pid);
    expect(trial.isOurs(stranger.pid ?? 0)).toBe(false);
    const killed = trial.killLeftovers();
    expect(killed).toHaveLength(2);
    await until(() => killed.every((p) => !isLive(p.pid)));
    expect(trial.leftovers()).toEqual([]);
    expect(isLive(stranger.pid ?? 0)).toBe(true);
  });

  it('names gdb and the guard by their command lines', async () => {
    const trial = new TrialProcesses(`test-kinds-${process.pid}`);
    const env = { ...process.env, [MARKER_VARIABLE]: trial.marker };
    const gdbLike = spawn('bash', ['-c', 'exec -a "gdb -nx --interpreter=mi3" sleep 30'], { env, stdio: 'ignore' });
    const guard = spawn('sh', ['-c', 'sleep 30; : kamheap-guard'], { env, stdio: 'ignore' });
    started.push(gdbLike.pid ?? 0, guard.pid ?? 0);
    await until(() => trial.leftovers().length >= 3);
    const kinds = trial.leftovers().map((p) => p.kind).sort();
    expect(kinds).toContain('gdb');
    expect(kinds).toContain('guard');
    expect(trial.gdb()?.pid).toBe(gdbLike.pid);
  });
});

describe('waitAttachWindow', () => {
  it.skipIf(spawnSync('strace', ['-V']).status !== 0)('sees a tracer attach and returns its PID', async () => {
    const target = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(target.pid ?? 0);
    const watcher = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(watcher.pid ?? 0);
    const tracer = spawn('sh', ['-c', `sleep 0.3; exec strace -qq -p ${target.pid} -o /dev/null`], { stdio: 'ignore' });
    started.push(tracer.pid ?? 0);
    const window = waitAttachWindow(target.pid ?? 0, watcher.pid ?? 0, 5000);
    expect(window).toMatchObject({ seen: true, tracer: tracer.pid });
  });

  it('gives up when the watched process exits', () => {
    const target = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(target.pid ?? 0);
    const done = spawnSync('true');
    expect(done.pid).toBeGreaterThan(0);
    expect(waitAttachWindow(target.pid ?? 0, done.pid, 5000)).toMatchObject({ seen: false, why: 'kamheap exited' });
  });
});

describe('startPipeReader', () => {
  it.each([0, 10])('makes the writer meet EPIPE once head -c %i is done', async (bytes) => {
    const dir = mkdtempSync(join(tmpdir(), 'faults-pipe-test-'));
    try {
      const reader = startPipeReader(dir, bytes);
      const writer = spawn(process.execPath, ['-e', 'process.stdout.on("error", (e) => { console.error(e.code); process.exit(3); }); process.stdout.write("x".repeat(4e6));'], {
        stdio: ['ignore', reader.writeFd, 'pipe'],
      });
      reader.closeOurEnds();
      let stderr = '';
      writer.stderr?.on('data', (d: Buffer) => (stderr += String(d)));
      const code = await new Promise((r) => writer.once('exit', r));
      await reader.done;
      expect({ code, stderr: stderr.trim() }).toEqual({ code: 3, stderr: 'EPIPE' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
