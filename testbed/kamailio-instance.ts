// Starts a real Kamailio on loopback with testbed/kamailio.cfg, in its own process group and temp
// dir, logging to a file (never a pipe, so a huge memory dump can never block it). A chrooted build
// gets its temp dir inside its root, so the cfg, socket and log are at ROOT + path on the host.
import { spawn, type ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testbedAsset } from './assets.js';
import { KamailioStartError, KamailioStopError } from './errors.js';
import { freeUdpPort } from './free-port.js';
import { registerInstance, unregisterInstance } from './instance-registry.js';
import { kamailioBuild, pathInRoot, type BuildName, type KamailioBuild } from './kamailio-build.js';
import { parsePsx, runKamcmd, type KamailioProcess } from './kamcmd.js';
import { logTail } from './log-follower.js';
import { pidNamespaceLaunch, type PidNamespaceOptions } from './pid-namespace.js';
import { groupPids, signalGroup, waitGroupGone } from './process-tree.js';

export { stopAllKamailio } from './instance-registry.js';
export { processState } from './process-tree.js';
export type { KamailioProcess } from './kamcmd.js';
export { KAMAILIO, kamailioBuild, type BuildName, type KamailioBuild, type SourceFlavor } from './kamailio-build.js';

export type Allocator = 'qm' | 'fm' | 'tlsf';

export interface StartOptions {
  /**
   * Which Kamailio (testbed/README.md, "Builds"). Kamailio 5.6.3: 'debian' (default,
   * /usr/sbin/kamailio and Debian's modules), or a cached source build made by
   * scripts/build-kamailio.sh: 'dwarf' (debug info, per-fragment debug fields) or 'nodebug'
   * (MEMDBG=0: no file/func/line per fragment). Kamailio 6.0.1: '6.0.1-dwarf', '6.0.1-nodebug' (the
   * same on the host), and chrooted in a Debian 13 root: 'debian13' (Debian 13's own package) and
   * '6.0.1-split' (6.0.1-dwarf stripped, its DWARF under the root's /usr/lib/debug/.build-id). The
   * first start of a build may make it (minutes): give the hook a generous timeout, or call
   * kamailioBuild(name) in beforeAll first.
   */
  build?: BuildName;
  shmMb?: number;
  pkgMb?: number;
  /** UDP receiver processes (the cfg's `children`). */
  children?: number;
  shmAllocator?: Allocator;
  /** Defaults to the shm allocator, as Kamailio does. */
  pkgAllocator?: Allocator;
  extraArgs?: string[];
  /**
   * A config of its own instead of testbed/kamailio.cfg (the benchmark's, bench/kamailio-bench.cfg).
   * It is copied into the instance's temp dir and gets the same -A defines (KH_PORT, KH_CTL,
   * KH_CHILDREN, KH_MPATH), so it must use them the way kamailio.cfg does.
   */
  cfgFile?: string;
  /**
   * Run a copy of the build's executable stripped as distributions ship it (`strip
   * --strip-unneeded`: no DWARF, no static symbol table, the exported ones kept), made in the
   * instance's temp dir: kamheap then has only its built-in profiles. The modules stay the build's.
   */
  stripped?: boolean;
  /**
   * 'file' (default): Kamailio logs to stderr, into `logFile`, which the oracle reads. 'syslog':
   * Kamailio logs through syslog(3) to /dev/log (facility daemon, ident `logName` or the binary's
   * path); `logFile` then holds only what it prints before its log is set up, and the oracle's
   * dumps cannot be read from it. For capturing what syslog daemons store. Host builds only (a
   * chrooted build's root has no /dev/log).
   */
  logTo?: 'file' | 'syslog';
  /** With logTo 'syslog': Kamailio's log_name, the syslog ident (default: argv[0]). */
  logName?: string;
  /**
   * Run Kamailio in a PID namespace of its own, as in a container (pid-namespace.ts). `pid` is
   * then the `unshare` launcher's (the group leader, not Kamailio), and `processes()` gives the
   * namespace's PIDs: map them with pid-namespace.ts's `hostPidOf(instance.pid, nsPid)`.
   */
  pidNamespace?: boolean | PidNamespaceOptions;
  /** How long to wait for the ctl socket to answer. */
  readyTimeoutMs?: number;
  /** Keep the temp dir (log, socket) after stop(); also set by KAMHEAP_KEEP_TESTBED=1. */
  keepFiles?: boolean;
}

export interface KamailioInstance {
  /** Main ("attendant") process; also the process group id of the whole instance. */
  readonly pid: number;
  readonly port: number;
  readonly ctlSocket: string;
  readonly logFile: string;
  /** Temp dir holding the cfg, socket, pid file and log (inside the root for a chrooted build). */
  readonly dir: string;
  readonly shmAllocator: Allocator;
  readonly pkgAllocator: Allocator;
  /** Which build runs, and its binary / module dir / kamcmd (give `binary` to gdb), host paths. */
  readonly build: BuildName;
  readonly binary: string;
  readonly moduleDir: string;
  /** The release that runs: "5.6.3", "6.0.1". */
  readonly version: string;
  /**
   * The root directory a chrooted build runs in (host path), undefined on the host. The processes
   * see paths relative to it; their PIDs are the host's (no PID namespace).
   */
  readonly root: string | undefined;
  /** Runs kamcmd against this instance and returns its stdout. */
  rpc(...args: string[]): Promise<string>;
  /** kamcmd with an explicit timeout (large memory dumps take seconds). */
  rpcWithTimeout(timeoutMs: number, ...args: string[]): Promise<string>;
  /** The processes Kamailio reports (`core.psx`). */
  processes(): Promise<KamailioProcess[]>;
  /** SIGTERM, then SIGKILL to the whole group; idempotent. */
  stop(): Promise<void>;
}

const TERM_TIMEOUT_MS = 15_000;
const KILL_TIMEOUT_MS = 5_000;

/** Starts Kamailio and resolves once its ctl socket answers `core.version`. */
export async function startKamailio(opts: StartOptions = {}): Promise<KamailioInstance> {
  const buildName = opts.build ?? 'debian';
  const built = await kamailioBuild(buildName);
  const logging = logArgs(opts, built);
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(built.root === undefined ? tmpdir() : join(built.root, 'tmp'), 'kamheap-testbed-'));
  const build = opts.stripped ? { ...built, binary: await strippedCopy(built.binary, dir) } : built;
  // Paths as Kamailio sees them: the same on the host, relative to the root when chrooted.
  const seen = (hostPath: string): string => (build.root === undefined ? hostPath : pathInRoot(build.root, hostPath));
  const cfg = join(dir, 'kamailio.cfg');
  copyFileSync(opts.cfgFile ?? testbedAsset('kamailio.cfg'), cfg);
  const ctlSocket = join(dir, 'ctl.sock');
  const logFile = join(dir, 'kamailio.log');
  const shmAllocator = opts.shmAllocator ?? 'qm';
  const pkgAllocator = opts.pkgAllocator ?? shmAllocator;
  const args = [
    '-DD', ...logging, '-f', seen(cfg),
    '-m', String(opts.shmMb ?? 64), '-M', String(opts.pkgMb ?? 8),
    '-x', shmAllocator, '-X', pkgAllocator,
    '-w', seen(dir), '-P', seen(join(dir, 'kamailio.pid')),
    '-A', `KH_PORT=${port}`, '-A', `KH_CTL="unix:${seen(ctlSocket)}"`,
    '-A', `KH_CHILDREN=${opts.children ?? 2}`,
    '-A', `KH_MPATH="${seen(build.moduleDir)}/"`,
    ...(opts.extraArgs ?? []),
  ];
  // chroot(8) execs Kamailio in place: the child's PID is Kamailio's main process.
  const [file, argv] = build.root === undefined ? [build.binary, args] : ['chroot', [build.root, seen(build.binary), ...args]];
  // O_APPEND: every Kamailio process writes whole lines at the end, whatever the others do.
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // detached: its own process group, so stop() can signal every Kamailio process at once.
    const launch = opts.pidNamespace ? pidNamespaceLaunch(file, argv, opts.pidNamespace === true ? {} : opts.pidNamespace) : { command: file, args: argv };
    child = spawn(launch.command, launch.args, { cwd: dir, detached: true, stdio: ['ignore', logFd, logFd] });
    // A script that forgets stop() still exits; the registry's exit hook then kills the group.
    child.unref();
  } finally {
    closeSync(logFd);
  }
  const keepFiles = opts.keepFiles ?? process.env.KAMHEAP_KEEP_TESTBED === '1';
  const files = { ctlSocket, logFile, dir };
  const instance = new RunningKamailio(child, port, files, { shmAllocator, pkgAllocator }, buildName, build, keepFiles);
  registerInstance(instance);
  try {
    await instance.waitReady(opts.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await instance.stop().catch(() => undefined);
    throw error;
  }
  return instance;
}

// The executable stripped as a distribution ships it, beside the instance's other files.
async function strippedCopy(binary: string, dir: string): Promise<string> {
  const copy = join(dir, 'kamailio');
  await execa('strip', ['--strip-unneeded', '-o', copy, binary]);
  return copy;
}

// -E (stderr) for the log file; the cfg's KH_SYSLOG switch (and log_name) for syslog.
function logArgs(opts: StartOptions, build: KamailioBuild): string[] {
  if (opts.logTo !== 'syslog') return ['-E'];
  if (build.root !== undefined) {
    throw new KamailioStartError(`logTo 'syslog' needs a host build: ${build.root} has no /dev/log`, '', undefined);
  }
  if (opts.logName !== undefined && !/^[A-Za-z0-9._-]+$/.test(opts.logName)) {
    throw new KamailioStartError(`logName must be letters, digits, ".", "_" or "-", not "${opts.logName}"`, '', undefined);
  }
  return ['-A', 'KH_SYSLOG', ...(opts.logName === undefined ? [] : ['-A', `KH_LOG_NAME="${opts.logName}"`])];
}

class RunningKamailio implements KamailioInstance {
  readonly pid: number;
  readonly ctlSocket: string;
  readonly logFile: string;
  readonly dir: string;
  readonly shmAllocator: Allocator;
  readonly pkgAllocator: Allocator;
  readonly binary: string;
  readonly moduleDir: string;
  readonly version: string;
  readonly root: string | undefined;
  private readonly kamcmd: string;
  private exited = false;
  private spawnError: Error | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    child: ChildProcess,
    readonly port: number,
    files: { ctlSocket: string; logFile: string; dir: string },
    allocators: { shmAllocator: Allocator; pkgAllocator: Allocator },
    readonly build: BuildName,
    paths: KamailioBuild,
    private readonly keepFiles: boolean,
  ) {
    ({ binary: this.binary, moduleDir: this.moduleDir, kamcmd: this.kamcmd, version: this.version, root: this.root } = paths);
    ({ ctlSocket: this.ctlSocket, logFile: this.logFile, dir: this.dir } = files);
    ({ shmAllocator: this.shmAllocator, pkgAllocator: this.pkgAllocator } = allocators);
    // pid is undefined only when spawn itself failed (e.g. ENOENT); -1 keeps signals harmless.
    this.pid = child.pid ?? -1;
    child.once('exit', () => (this.exited = true));
    child.once('error', (error) => {
      this.spawnError = error;
      this.exited = true;
    });
  }

  // Polls the ctl socket until Kamailio answers, failing fast if the main process exits.
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new KamailioStartError(
          `kamailio exited during startup (port ${this.port})`,
          await logTail(this.logFile),
          this.pid > 0 ? this.pid : undefined,
          { cause: this.spawnError },
        );
      }
      try {
        await runKamcmd(this.ctlSocket, ['core.version'], 2_000, this.kamcmd);
        return;
      } catch (error) {
        lastError = error;
      }
      await sleep(100);
    }
    throw new KamailioStartError(
      `kamailio did not answer on ${this.ctlSocket} within ${timeoutMs} ms`,
      await logTail(this.logFile),
      this.pid > 0 ? this.pid : undefined,
      { cause: lastError },
    );
  }

  // kamcmd with the default 10 s bound.
  rpc(...args: string[]): Promise<string> {
    return runKamcmd(this.ctlSocket, args, undefined, this.kamcmd);
  }

  // kamcmd with a caller-chosen bound (memory dumps run inside the RPC).
  rpcWithTimeout(timeoutMs: number, ...args: string[]): Promise<string> {
    return runKamcmd(this.ctlSocket, args, timeoutMs, this.kamcmd);
  }

  // Kamailio's own process table; its pids are all in this instance's process group.
  async processes(): Promise<KamailioProcess[]> {
    return parsePsx(await this.rpc('core.psx'));
  }

  // Every caller (test, afterAll, registry) shares one termination.
  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  // Kamailio's own shutdown (SIGTERM; SIGCONT wakes stopped ones), then SIGKILL for leftovers.
  private async terminate(): Promise<void> {
    try {
      if (this.pid > 0) {
        signalGroup(this.pid, 'SIGTERM');
        signalGroup(this.pid, 'SIGCONT');
        if (!(await waitGroupGone(this.pid, TERM_TIMEOUT_MS))) {
          signalGroup(this.pid, 'SIGKILL');
          if (!(await waitGroupGone(this.pid, KILL_TIMEOUT_MS))) {
            throw new KamailioStopError(groupPids(this.pid));
          }
        }
      }
      await this.waitExited();
    } finally {
      unregisterInstance(this);
      if (!this.keepFiles) rmSync(this.dir, { recursive: true, force: true });
    }
  }

  // Lets Node reap the main process so no zombie is left behind (bounded).
  private async waitExited(): Promise<void> {
    const deadline = Date.now() + KILL_TIMEOUT_MS;
    while (!this.exited && Date.now() < deadline) await sleep(20);
  }

  // Synchronous last resort for process exit and fatal signals (see instance-registry.ts).
  killNow(): void {
    if (this.pid > 0) signalGroup(this.pid, 'SIGKILL');
    if (!this.keepFiles) rmSync(this.dir, { recursive: true, force: true });
  }
}
