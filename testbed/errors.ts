// Typed failures of the testbed: each names what broke and carries the context to debug it
// (usually the tail of Kamailio's log), so a failing test says why without a rerun.

export type TestbedErrorKind =
  | 'kamailio-start'
  | 'kamailio-stop'
  | 'kamcmd'
  | 'sipp'
  | 'oracle-timeout'
  | 'oracle-unsupported'
  | 'docker';

/** Base of every testbed failure. */
export class TestbedError extends Error {
  readonly kind: TestbedErrorKind;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    kind: TestbedErrorKind,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.context = options.context ?? {};
  }
}

/** Kamailio exited or never answered on its ctl socket. */
export class KamailioStartError extends TestbedError {
  constructor(
    message: string,
    readonly logTail: string,
    /** Main process (group leader) of the failed instance, if it was spawned. */
    readonly pid: number | undefined,
    options: { cause?: unknown } = {},
  ) {
    super('kamailio-start', `${message}\n--- kamailio log tail ---\n${logTail}`, {
      ...options,
      context: { logTail, pid },
    });
  }
}

/** Some process of the instance survived SIGTERM and SIGKILL. */
export class KamailioStopError extends TestbedError {
  constructor(readonly pids: readonly number[]) {
    super('kamailio-stop', `kamailio processes still alive after SIGKILL: ${pids.join(', ')}`, {
      context: { pids },
    });
  }
}

/** kamcmd failed, timed out or printed an RPC fault. */
export class KamcmdError extends TestbedError {
  constructor(
    readonly args: readonly string[],
    detail: string,
    options: { cause?: unknown } = {},
  ) {
    super('kamcmd', `kamcmd ${args.join(' ')}: ${detail}`, { ...options, context: { args } });
  }
}

/** sipp exited non-zero (failed calls, timeout, bind error). */
export class SippError extends TestbedError {
  constructor(
    readonly scenario: string,
    readonly exitCode: number | undefined,
    readonly outputTail: string,
    options: { cause?: unknown } = {},
  ) {
    super('sipp', `sipp ${scenario} failed (exit ${String(exitCode)})\n${outputTail}`, {
      ...options,
      context: { scenario, exitCode },
    });
  }
}

/** Kamailio did not write the expected memory dump in time. */
export class OracleTimeoutError extends TestbedError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    logTail: string,
  ) {
    super('oracle-timeout', `${what}: no complete dump in the log after ${timeoutMs} ms\n${logTail}`, {
      context: { what, timeoutMs },
    });
  }
}

/**
 * The requested dump has no parser for the instance's allocator (status dumps: q_malloc only), or
 * the build cannot produce it (per-site sums of a build without the memory debug fields).
 */
export class OracleUnsupportedError extends TestbedError {
  constructor(
    readonly what: string,
    readonly allocator: string,
    reason = `only q_malloc ('qm') status dumps are parsed, not '${allocator}'`,
  ) {
    super('oracle-unsupported', `${what}: ${reason}`, {
      context: { what, allocator },
    });
  }
}

/** The private Docker daemon did not start or stop, or an image or container step failed. */
export class DockerError extends TestbedError {
  constructor(
    message: string,
    readonly logTail: string,
    options: { cause?: unknown } = {},
  ) {
    super('docker', logTail === '' ? message : `${message}\n--- log tail ---\n${logTail}`, { ...options, context: { logTail } });
  }
}
