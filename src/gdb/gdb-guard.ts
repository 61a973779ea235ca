// The guard (gdb-scripts/kamheap-guard.sh) that outlives kamheap: when kamheap ends or dies, it
// kills what is left of gdb and resumes a target an interrupted attach left in a job-control stop.
import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { packageRoot } from '../util/version.js';

export class GdbGuard {
  private constructor(private readonly child: ResultPromise) {}

  /** Starts the guard for gdb's process group (gdb leads it), in a session of its own. */
  static start(gdbPid: number): GdbGuard {
    const script = join(packageRoot(), 'gdb-scripts', 'kamheap-guard.sh');
    const child = execa('sh', [script, String(checkedPid(gdbPid))], {
      stdin: 'pipe',
      stdout: 'ignore',
      stderr: 'ignore',
      detached: true,
      reject: false,
      buffer: false,
    });
    child.stdin?.on('error', () => undefined);
    return new GdbGuard(child);
  }

  /** Before an attach: which target, and whether it was running (only then may it be resumed). */
  announceAttach(pid: number, wasRunning: boolean): Promise<void> {
    return this.say(`attach ${checkedPid(pid)} ${wasRunning ? 1 : 0}\n`);
  }

  /** After a detach: nothing to settle any more. */
  announceDetached(): Promise<void> {
    return this.say('detached\n');
  }

  /** Ends the guard's input and waits (bounded) until it has killed what is left and settled the target. */
  async finish(timeoutMs: number): Promise<void> {
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.child;
    clearTimeout(timer);
  }

  // Resolves once the line is handed to the pipe, so the guard knows before gdb acts.
  private say(line: string): Promise<void> {
    return new Promise((resolve) => {
      const stdin = this.child.stdin;
      if (!stdin || stdin.destroyed || stdin.writableEnded) return resolve();
      stdin.write(line, () => resolve());
    });
  }
}

function checkedPid(pid: number): number {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`guard: invalid pid ${pid}`);
  return pid;
}
