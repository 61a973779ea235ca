// What a debugger transport keeps while its debugger runs, whether it speaks GDB/MI
// (gdb-session.ts) or the Debug Adapter Protocol (dap/dap-session.ts): the requests waiting for
// their reply, each under its own deadline, and the waits for one async record or event. When the
// debugger goes, every one of them fails at once, so no caller waits past it.
import { GdbTimeoutError } from './gdb-errors.js';

interface Request<Reply, Context> {
  command: string;
  context: Context;
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Waiter<Note> {
  match: (note: Note) => boolean;
  resolve: (note: Note) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** A request taken off the list with its deadline cleared: its reply goes to `resolve` or `reject`. */
export type TakenRequest<Reply> = Pick<Request<Reply, unknown>, 'command' | 'resolve' | 'reject'>;

export class PendingReplies<Key, Reply, Note, Context = undefined> {
  private readonly requests = new Map<Key, Request<Reply, Context>>();
  private readonly waiters = new Set<Waiter<Note>>();

  /** True while a request waits for its reply. */
  get busy(): boolean {
    return this.requests.size > 0;
  }

  /** The context of the oldest request still waiting (MI answers one command at a time, in order). */
  oldestContext(): Context | undefined {
    const first = this.requests.values().next();
    return first.done ? undefined : first.value.context;
  }

  /** Registers the request under `key`, then `send`s it; a reply missing past `timeoutMs` is a GdbTimeoutError. */
  request(key: Key, command: string, context: Context, timeoutMs: number, send: () => void): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(key);
        reject(new GdbTimeoutError(command, timeoutMs));
      }, timeoutMs);
      this.requests.set(key, { command, context, resolve, reject, timer });
      send();
    });
  }

  /** The request waiting under `key`, taken off the list; undefined when there is none (late, or not ours). */
  take(key: Key): TakenRequest<Reply> | undefined {
    const entry = this.requests.get(key);
    if (!entry) return undefined;
    this.requests.delete(key);
    clearTimeout(entry.timer);
    return entry;
  }

  /** Resolves with the next note that matches; past `timeoutMs` a GdbTimeoutError naming `what`. `cancel` withdraws the wait. */
  waitFor(match: (note: Note) => boolean, what: string, timeoutMs: number): { promise: Promise<Note>; cancel: () => void } {
    let waiter: Waiter<Note> | undefined;
    const promise = new Promise<Note>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (waiter) this.waiters.delete(waiter);
        reject(new GdbTimeoutError(what, timeoutMs));
      }, timeoutMs);
      waiter = { match, resolve, reject, timer };
      this.waiters.add(waiter);
    });
    promise.catch(() => undefined);
    const cancel = (): void => {
      if (!waiter) return;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
    };
    return { promise, cancel };
  }

  /** Hands `note` to the first wait it matches; false when none wanted it. */
  deliver(note: Note): boolean {
    for (const waiter of this.waiters) {
      if (!waiter.match(note)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(note);
      return true;
    }
    return false;
  }

  /** Fails every request (with the error for its command) and every wait (with the error for none). */
  failAll(errorFor: (command?: string) => Error): void {
    for (const [key, entry] of this.requests) {
      clearTimeout(entry.timer);
      this.requests.delete(key);
      entry.reject(errorFor(entry.command));
    }
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(errorFor());
    }
    this.waiters.clear();
  }
}
