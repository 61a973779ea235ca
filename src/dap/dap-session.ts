// Owns one debug adapter process speaking the Debug Adapter Protocol on its stdin/stdout: spawns
// it, matches responses to requests by seq, lets callers wait for events, and ends it. Like the MI
// session (gdb-session.ts) every request has a deadline, the adapter is never interrupted, and the
// only signal kamheap sends it is SIGKILL, to its whole process group. It knows nothing about
// Kamailio; dap-requests.ts has the typed requests.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ResultPromise } from 'execa';
import { GdbCommandError } from '../errors.js';
import { DapProtocolError, GdbPipeError } from '../gdb/gdb-errors.js';
import type { GdbLaunch } from '../gdb/gdb-launch.js';
import { exitedWithin, gone, killGroup, settled, spawnDebugger, spawned } from '../gdb/debugger-process.js';
import { PendingReplies } from '../gdb/pending-replies.js';
import { DapFrameReader, encodeMessage } from './dap-framing.js';

/** How long the adapter gets to exit once its input is closed, before it is killed. */
const exitGraceMs = 500;

export class DapSession {
  private nextSeq = 1;
  /** Requests by seq, and waits for events. */
  private readonly pending = new PendingReplies<number, DebugProtocol.Response, DebugProtocol.Event>();
  private readonly reader = new DapFrameReader();
  private exitReason: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ResultPromise,
    readonly pid: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Spawns the adapter as the leader of a new session and process group (a Ctrl-C reaches kamheap only). */
  static async start(launch: GdbLaunch): Promise<DapSession> {
    const child = spawnDebugger(launch, 'buffer');
    const pid = await spawned(child, launch.file);
    const session = new DapSession(child, pid);
    session.listen();
    return session;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  get busy(): boolean {
    return this.pending.busy;
  }

  /**
   * Sends one request; resolves with the body of a successful response, rejects with
   * GdbCommandError (the adapter's message) on success false, GdbTimeoutError past the deadline.
   */
  request<R extends DebugProtocol.Response>(command: string, args: object | undefined, timeoutMs: number): Promise<R> {
    if (this.exitReason !== undefined) return Promise.reject(new GdbPipeError(`the debug adapter is gone (${this.exitReason})`));
    const seq = this.nextSeq++;
    const message: DebugProtocol.Request = { seq, type: 'request', command, ...(args === undefined ? {} : { arguments: args }) };
    const reply = this.pending.request(seq, command, undefined, timeoutMs, () => this.child.stdin?.write(encodeMessage(message)));
    return reply as Promise<R>;
  }

  /** The next event of that name (e.g. `stopped` after an attach); `cancel` withdraws the wait. */
  waitForEvent(event: string, timeoutMs: number): { promise: Promise<DebugProtocol.Event>; cancel: () => void } {
    if (this.exitReason !== undefined) return gone(new GdbPipeError(`the debug adapter is gone (${this.exitReason})`));
    return this.pending.waitFor((e) => e.event === event, `wait for ${event}`, timeoutMs);
  }

  /** Resolves when no request is pending any more, or after `timeoutMs`; true when idle. */
  settle(timeoutMs: number): Promise<boolean> {
    return settled(() => this.busy, () => this.alive, timeoutMs);
  }

  /**
   * Ends the adapter: its input closed (gdb exits at end of input, detaching what it still holds),
   * its group killed if it has not exited within the grace period. Never a `terminate` request.
   */
  async close(graceMs = exitGraceMs): Promise<void> {
    if (this.alive) {
      this.child.stdin?.end();
      if (!(await this.waitExit(graceMs))) this.kill();
    }
    await this.waitExit(2000);
    this.kill();
  }

  /** Kills the adapter and everything in its process group at once; the kernel then detaches it from the target. */
  kill(): void {
    killGroup(this.pid);
  }

  private waitExit(timeoutMs: number): Promise<boolean> {
    return exitedWithin(this.exited, timeoutMs);
  }

  private listen(): void {
    this.child.stdout?.on('data', (chunk: Buffer) => this.onData(chunk));
    // The adapter's stderr carries nothing kamheap acts on; drained so it never blocks on a full pipe.
    this.child.stderr?.resume();
    this.child.stdin?.on('error', () => undefined);
    this.child.catch(() => undefined);
    this.child.once('exit', (code, signal) => this.onExit(signal ? `killed by ${signal}` : `exit code ${code ?? '?'}`));
  }

  private onData(chunk: Buffer): void {
    if (this.exitReason !== undefined) return;
    let messages: DebugProtocol.ProtocolMessage[];
    try {
      messages = this.reader.push(chunk);
    } catch (error) {
      // A broken frame: nothing after it can be trusted. The adapter goes, its requests fail with why.
      this.fail(error instanceof Error ? error : new DapProtocolError(String(error)));
      return;
    }
    for (const message of messages) this.onMessage(message);
  }

  private onMessage(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'response') return this.onResponse(message as DebugProtocol.Response);
    if (message.type === 'event') return this.onEvent(message as DebugProtocol.Event);
    // A reverse request (runInTerminal, startDebugging): kamheap offers none of them.
  }

  private onResponse(response: DebugProtocol.Response): void {
    const entry = typeof response.request_seq === 'number' ? this.pending.take(response.request_seq) : undefined;
    if (!entry) return;
    if (response.success === true) return entry.resolve(response);
    const text = typeof response.message === 'string' && response.message !== '' ? response.message : 'failed';
    entry.reject(new GdbCommandError(entry.command, text));
  }

  private onEvent(event: DebugProtocol.Event): void {
    this.pending.deliver(event);
  }

  // The adapter is not to be trusted any more: killed, every wait failed with `error`.
  private fail(error: Error): void {
    this.exitReason ??= 'it broke the protocol';
    this.kill();
    this.pending.failAll(() => error);
  }

  private onExit(reason: string): void {
    this.exitReason = reason;
    this.kill();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.stdin?.destroy();
    const error = new GdbPipeError(`the debug adapter died (${reason})`);
    this.pending.failAll(() => error);
  }
}
