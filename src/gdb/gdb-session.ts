// Owns one gdb process speaking MI3: spawns it, matches tokens to promises, streams console output,
// and ends it. It knows nothing about Kamailio (commands.ts has the typed wrappers) and never
// interrupts gdb: a SIGINT that reaches gdb during an attach is passed on to the target (issue 8),
// so the only signal kamheap ever sends gdb is SIGKILL, to gdb's whole process group.
import type { ResultPromise } from 'execa';
import { createInterface } from 'node:readline';
import { GdbCommandError } from '../errors.js';
import { parseMiLine } from '../mi/parse-mi-line.js';
import type { MiRecord, MiTuple } from '../mi/mi-record.js';
import { GdbPipeError } from './gdb-errors.js';
import { gdbLaunch } from './gdb-launch.js';
import { exitedWithin, gone, killGroup, settled, spawnDebugger, spawned } from './debugger-process.js';
import { PendingReplies } from './pending-replies.js';

export interface GdbStartOptions {
  gdbPath?: string;
}

export interface SendOptions {
  /** Every command has a deadline; gdb that misses it is presumed hung. */
  timeoutMs: number;
  /** Receives console stream text (`~"..."`) produced while this command runs. */
  onConsole?: (text: string) => void;
}

/** How long gdb gets to exit after -gdb-exit before it is killed. */
const exitGraceMs = 500;

export class GdbSession {
  private nextToken = 1;
  /** Commands by token (each with the console stream it gets) and waits for async records. */
  private readonly pending = new PendingReplies<number, MiTuple, MiRecord, ((text: string) => void) | undefined>();
  private exitReason: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ResultPromise,
    readonly pid: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Spawns gdb (`-nx`, see gdb-launch.ts) as the leader of a new session and process group. */
  static async start(options: GdbStartOptions = {}): Promise<GdbSession> {
    const launch = gdbLaunch(options.gdbPath ?? 'gdb');
    const child = spawnDebugger(launch, 'utf8');
    const pid = await spawned(child, launch.file);
    const session = new GdbSession(child, pid);
    session.listen();
    return session;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  /** True while a command is waiting for its answer. */
  get busy(): boolean {
    return this.pending.busy;
  }

  /** Sends one MI command; resolves with the ^done/^running/^connected results. */
  send(command: string, options: SendOptions): Promise<MiTuple> {
    if (this.exitReason !== undefined) return Promise.reject(new GdbPipeError(`gdb is gone (${this.exitReason})`));
    const token = this.nextToken++;
    return this.pending.request(token, command, options.onConsole, options.timeoutMs, () => this.child.stdin?.write(`${token}${command}\n`));
  }

  /** Resolves with the next async record that matches (e.g. `*stopped` after attach); `cancel` withdraws the wait. */
  waitForAsync(match: (record: MiRecord) => boolean, timeoutMs: number): { promise: Promise<MiRecord>; cancel: () => void } {
    if (this.exitReason !== undefined) return gone(new GdbPipeError(`gdb is gone (${this.exitReason})`));
    return this.pending.waitFor(match, 'wait for stop', timeoutMs);
  }

  /** Resolves when no command is pending any more, or after `timeoutMs`; true when idle. */
  settle(timeoutMs: number): Promise<boolean> {
    return settled(() => this.busy, () => this.alive, timeoutMs);
  }

  /** Asks gdb to exit, kills its process group if it has not within the grace period, and waits until it is gone. */
  async close(graceMs = exitGraceMs): Promise<void> {
    if (this.alive) {
      this.child.stdin?.write('-gdb-exit\n');
      this.child.stdin?.end();
      if (!(await this.waitExit(graceMs))) this.kill();
    }
    await this.waitExit(2000);
    this.killGroup();
  }

  /** Kills gdb and everything in its process group at once; the kernel then detaches it from the target. */
  kill(): void {
    this.killGroup();
  }

  private killGroup(): void {
    killGroup(this.pid);
  }

  private waitExit(timeoutMs: number): Promise<boolean> {
    return exitedWithin(this.exited, timeoutMs);
  }

  private listen(): void {
    const lines = createInterface({ input: this.child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line));
    // gdb's stderr carries nothing kamheap acts on; drain it so gdb never blocks on a full pipe.
    this.child.stderr?.resume();
    this.child.stdin?.on('error', () => undefined);
    this.child.catch(() => undefined);
    // 'exit', not the end of the pipes: a forked gdb helper can keep them open after gdb died.
    this.child.once('exit', (code, signal) => this.onExit(signal ? `killed by ${signal}` : `exit code ${code ?? '?'}`));
  }

  private onExit(reason: string): void {
    this.exitReason = reason;
    // gdb's helpers (forked during an attach) may outlive it, stopped, holding our pipes.
    this.killGroup();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.stdin?.destroy();
    this.pending.failAll((command) => new GdbPipeError(command === undefined ? `gdb died (${reason})` : `gdb died (${reason}) during ${command.split(' ')[0]}`));
  }

  private onLine(line: string): void {
    if (line.length === 0) return;
    let record: MiRecord;
    try {
      record = parseMiLine(line);
    } catch {
      // Not MI: a library wrote to our pipe. Nothing to act on.
      return;
    }
    switch (record.kind) {
      case 'result':
        return this.onResult(record);
      case 'console':
        return this.onConsole(record.text);
      case 'log':
      case 'target':
        // gdb's own messages; errors that matter arrive as ^error records.
        return;
      case 'exec':
      case 'status':
      case 'notify':
        this.pending.deliver(record);
        return;
      case 'prompt':
        return;
    }
  }

  private onConsole(text: string): void {
    // Commands run one at a time, so console output belongs to the oldest pending command.
    this.pending.oldestContext()?.(text);
  }

  private onResult(record: Extract<MiRecord, { kind: 'result' }>): void {
    if (record.token === undefined) return;
    const entry = this.pending.take(record.token);
    if (!entry) return;
    if (record.resultClass === 'error') {
      const msg = typeof record.results['msg'] === 'string' ? record.results['msg'] : 'unknown error';
      entry.reject(new GdbCommandError(entry.command, msg));
    } else {
      entry.resolve(record.results);
    }
  }
}
