// Typed errors: every failure a user can meet has a kind, a one-line message and an exit code.

/** Exit codes, documented in README.md ("Exit codes"). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  noSuchProcess: 3,
  notKamailio: 4,
  permission: 5,
  gdbMissing: 6,
  gdbFailed: 7,
  timeout: 8,
  interrupted: 9,
  heapCorrupt: 10,
  badInput: 11,
  memoryRead: 12,
  heapNotFound: 13,
  /** `diff --fail-on-growth`: the heap grew past the limit (not an error of kamheap's). */
  growth: 14,
  /** The target process exited (or was killed) while kamheap was reading it. */
  targetExited: 15,
  /** The walk was stopped because the target had been paused for `--max-pause`. */
  pauseLimit: 16,
  /** A live walk met a place that read differently every time (the heap in motion, not corrupt): walk again or use --stop. */
  unsettled: 17,
  /** `serve`: the --listen address is taken by another socket. */
  addressInUse: 18,
  /** The chosen debugger cannot do what the command needs (lldb-dap; the script walker over DAP). */
  debuggerUnsupported: 19,
  /** `inspect --site TEXT` matched several sites: the list is on stderr, pick one. */
  ambiguousSite: 20,
  /** Kamailio is PID 1 of kamheap's PID namespace and kamheap does not run below kamheap-init: nothing is started. */
  kamailioAdopter: 21,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type KamheapErrorKind =
  | 'usage'
  | 'no-such-process'
  | 'not-kamailio'
  | 'permission'
  | 'gdb-missing'
  | 'gdb-failed'
  | 'timeout'
  | 'interrupted'
  | 'heap-corrupt'
  | 'bad-input'
  | 'memory-read'
  | 'heap-not-found'
  | 'target-exited'
  | 'pause-limit'
  | 'unsettled'
  | 'address-in-use'
  | 'debugger-unsupported'
  | 'ambiguous-site'
  | 'kamailio-adopter';

const exitCodeOf: Record<KamheapErrorKind, ExitCodeValue> = {
  usage: ExitCode.usage,
  'no-such-process': ExitCode.noSuchProcess,
  'not-kamailio': ExitCode.notKamailio,
  permission: ExitCode.permission,
  'gdb-missing': ExitCode.gdbMissing,
  'gdb-failed': ExitCode.gdbFailed,
  timeout: ExitCode.timeout,
  interrupted: ExitCode.interrupted,
  'heap-corrupt': ExitCode.heapCorrupt,
  'bad-input': ExitCode.badInput,
  'memory-read': ExitCode.memoryRead,
  'heap-not-found': ExitCode.heapNotFound,
  'target-exited': ExitCode.targetExited,
  'pause-limit': ExitCode.pauseLimit,
  unsettled: ExitCode.unsettled,
  'address-in-use': ExitCode.addressInUse,
  'debugger-unsupported': ExitCode.debuggerUnsupported,
  'ambiguous-site': ExitCode.ambiguousSite,
  'kamailio-adopter': ExitCode.kamailioAdopter,
};

/** Base of all expected failures; `message` is the one line shown to the user. */
export class KamheapError extends Error {
  readonly kind: KamheapErrorKind;
  readonly context: Readonly<Record<string, unknown>>;
  /** Lines printed under the message (choices the user is asked to pick from); usually none. */
  readonly detailLines: readonly string[];

  constructor(
    kind: KamheapErrorKind,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown>; detailLines?: readonly string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KamheapError';
    this.kind = kind;
    this.context = options.context ?? {};
    this.detailLines = options.detailLines ?? [];
  }

  get exitCode(): ExitCodeValue {
    return exitCodeOf[this.kind];
  }
}

/** "no space left on device (ENOSPC)" from Node's "ENOSPC: no space left on device, write"; other errors' message. */
export function errnoReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined || !error.message.startsWith(`${code}: `)) return error.message;
  // Node's system errors read "CODE: description, syscall 'path'": the path is ours, often a temp file.
  return `${error.message.slice(code.length + 2).replace(/, \w+( '.*')?$/, '')} (${code})`;
}

/** gdb answered a command with ^error (the message is gdb's own). */
export class GdbCommandError extends KamheapError {
  readonly command: string;
  constructor(command: string, gdbMessage: string) {
    super('gdb-failed', `gdb: ${gdbMessage}`, { context: { command } });
    this.name = 'GdbCommandError';
    this.command = command;
  }
}

/** A memory range could not be read from the target. */
export class MemoryReadError extends KamheapError {
  constructor(address: bigint, length: number, cause?: unknown) {
    super('memory-read', `cannot read ${length} bytes at 0x${address.toString(16)} of the target`, {
      cause,
      context: { address, length },
    });
    this.name = 'MemoryReadError';
  }
}

/** The process table does not hold what Kamailio writes there: refused, never printed or walked. */
export class ProcessTableError extends KamheapError {
  constructor(pid: number, entry: { index: number; pid: number } | undefined, reason: string, layout: string) {
    const where = entry ? `entry ${entry.index} (PID ${entry.pid} as recorded)` : 'the table';
    super('heap-not-found', `process table of PID ${pid} refused (layout ${layout}): ${where}: ${reason}`, {
      context: { pid, ...(entry ? { index: entry.index, recordedPid: entry.pid } : {}), reason, layout },
    });
    this.name = 'ProcessTableError';
  }
}
