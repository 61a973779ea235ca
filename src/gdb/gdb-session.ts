// Owns one gdb process speaking MI3: spawns it, matches tokens to promises, streams console output,
// and can interrupt or kill it. It knows nothing about Kamailio; see commands.ts for typed wrappers.
import { execa, type ResultPromise } from 'execa';
import { createInterface } from 'node:readline';
import { GdbCommandError, KamheapError } from '../errors.js';
import { parseMiLine } from '../mi/parse-mi-line.js';
import type { MiRecord, MiTuple } from '../mi/mi-record.js';
import { GdbCommandCancelled, GdbPipeError, GdbTimeoutError } from './gdb-errors.js';

export interface GdbStartOptions {
  gdbPath?: string;
  /** Extra `-iex` settings applied before anything is loaded (values are fixed strings, never user text). */
  initCommands?: readonly string[];
}

export interface SendOptions {
  timeoutMs?: number;
  /** Receives console stream text (`~"..."`) produced while this command runs. */
  onConsole?: (text: string) => void;
}

interface Pending {
  command: string;
  resolve: (results: MiTuple) => void;
  reject: (error: Error) => void;
  onConsole: ((text: string) => void) | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** Settings that keep gdb from running anything from the target host or the network. */
const safetySettings = ['set auto-load off', 'set debuginfod enabled off', 'set pagination off', 'set confirm off'];

export class GdbSession {
  private nextToken = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly asyncWaiters: Array<{ match: (r: MiRecord) => boolean; resolve: (r: MiRecord) => void }> = [];
  private exited = false;
  private exitReason: string | undefined;
  private constructor(private readonly child: ResultPromise) {}

  /** Spawns gdb (`-nx`, auto-load and debuginfod off) in its own process group. */
  static async start(options: GdbStartOptions = {}): Promise<GdbSession> {
    const init = [...safetySettings, ...(options.initCommands ?? [])].flatMap((c) => ['-iex', c]);
    const child = execa(options.gdbPath ?? 'gdb', ['-nx', '-q', '--interpreter=mi3', ...init], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      // Own process group: a Ctrl-C in the terminal reaches kamheap, which then detaches cleanly.
      detached: true,
      env: { LC_ALL: 'C' },
      extendEnv: true,
    });
    const session = new GdbSession(child);
    await session.waitSpawned(options.gdbPath ?? 'gdb');
    session.listen();
    return session;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Sends one MI command; resolves with the ^done/^running/^connected results. */
  send(command: string, options: SendOptions = {}): Promise<MiTuple> {
    if (this.exited) return Promise.reject(new GdbPipeError(`gdb is gone (${this.exitReason ?? 'exited'})`));
    const token = this.nextToken++;
    return new Promise<MiTuple>((resolve, reject) => {
      const entry: Pending = { command, resolve, reject, onConsole: options.onConsole, timer: undefined };
      if (options.timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          this.pending.delete(token);
          reject(new GdbTimeoutError(command, options.timeoutMs ?? 0));
        }, options.timeoutMs);
      }
      this.pending.set(token, entry);
      this.child.stdin?.write(`${token}${command}\n`);
    });
  }

  /** Resolves with the next async record that matches (e.g. `*stopped` after attach). */
  waitForAsync(match: (record: MiRecord) => boolean, timeoutMs: number): Promise<MiRecord> {
    return new Promise<MiRecord>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (record: MiRecord) => {
          clearTimeout(timer);
          resolve(record);
        },
      };
      const timer = setTimeout(() => {
        const at = this.asyncWaiters.indexOf(waiter);
        if (at >= 0) this.asyncWaiters.splice(at, 1);
        reject(new GdbTimeoutError('wait for stop', timeoutMs));
      }, timeoutMs);
      this.asyncWaiters.push(waiter);
    });
  }

  /** Interrupts the command gdb is running (a CLI loop, a long read) like Ctrl-C would. */
  interrupt(): void {
    if (!this.exited && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  }

  /** Rejects every pending command with a cancellation, so callers can move on to detach. */
  cancelPending(reason: 'interrupted' | 'timeout'): void {
    for (const [token, entry] of this.pending) {
      if (entry.timer) clearTimeout(entry.timer);
      this.pending.delete(token);
      entry.reject(new GdbCommandCancelled(entry.command, reason));
    }
  }

  /** Asks gdb to exit, then makes sure it did (SIGKILL after a grace period). */
  async close(graceMs = 2000): Promise<void> {
    if (!this.exited) {
      this.child.stdin?.write('-gdb-exit\n');
      this.child.stdin?.end();
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.child.catch(() => undefined);
    clearTimeout(timer);
  }

  /** Kills gdb at once; the kernel then detaches it from the target. */
  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  private waitSpawned(gdbPath: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.child.once('spawn', () => resolve());
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        this.exited = true;
        if (error.code === 'ENOENT') {
          reject(new KamheapError('gdb-missing', `gdb not found (${gdbPath}): install it, e.g. apt-get install gdb`, { cause: error }));
        } else {
          reject(new GdbPipeError(`cannot start gdb: ${error.message}`, error));
        }
      });
    });
  }

  private listen(): void {
    const lines = createInterface({ input: this.child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line));
    // gdb's stderr carries nothing kamheap acts on; drain it so gdb never blocks on a full pipe.
    this.child.stderr?.resume();
    this.child.stdin?.on('error', () => undefined);
    void this.child.then((result) => {
      this.exited = true;
      this.exitReason = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode ?? '?'}`;
      for (const [token, entry] of this.pending) {
        if (entry.timer) clearTimeout(entry.timer);
        this.pending.delete(token);
        entry.reject(new GdbPipeError(`gdb died (${this.exitReason}) during ${entry.command.split(' ')[0]}`));
      }
    });
  }

  private onLine(line: string): void {
    if (line.length === 0) return;
    let record: MiRecord;
    try {
      record = parseMiLine(line);
    } catch {
      // Not MI: gdb's inferior or a library wrote to our pipe. Nothing to act on.
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
      case 'notify': {
        const at = this.asyncWaiters.findIndex((w) => w.match(record));
        if (at >= 0) this.asyncWaiters.splice(at, 1)[0]?.resolve(record);
        return;
      }
      case 'prompt':
        return;
    }
  }

  private onConsole(text: string): void {
    // Commands run one at a time, so console output belongs to the oldest pending command.
    const first = this.pending.values().next();
    if (!first.done) first.value.onConsole?.(text);
  }

  private onResult(record: Extract<MiRecord, { kind: 'result' }>): void {
    if (record.token === undefined) return;
    const entry = this.pending.get(record.token);
    if (!entry) return;
    this.pending.delete(record.token);
    if (entry.timer) clearTimeout(entry.timer);
    if (record.resultClass === 'error') {
      const msg = typeof record.results['msg'] === 'string' ? record.results['msg'] : 'unknown error';
      entry.reject(new GdbCommandError(entry.command, msg));
    } else {
      entry.resolve(record.results);
    }
  }
}
