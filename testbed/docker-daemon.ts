// A private Docker daemon for tests: Debian's dockerd (docker.io) with a config of its own, so it
// never meets a system daemon: no iptables, no bridge (containers use the host's network or none),
// its data root cached in CACHE/docker/data (images survive between runs), its exec root, pid file
// and socket in a temp dir. One run at a time holds the data root (flock). stop() removes every
// container, ends the daemon and its containerd, and is also run on exit or a fatal signal.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { DockerError } from './errors.js';
import { registerInstance, unregisterInstance } from './instance-registry.js';
import { logTail } from './log-follower.js';

// Debian's docker.io and docker-compose, by their paths: another docker client may come first on
// PATH. (KAMHEAP_DOCKER=1 is the switch of `npm run test:docker`, not a path.)
export const DOCKERD = '/usr/sbin/dockerd';
export const DOCKER = '/usr/bin/docker';
export const DOCKER_COMPOSE = '/usr/bin/docker-compose';

const START_TIMEOUT_MS = 120_000;
const LOCK_WAIT_S = 900;
const STOP_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** CACHE/docker: the base image's tar and the daemon's data root. */
export function dockerCacheDir(): string {
  const cache = process.env.KAMHEAP_BUILD_CACHE ?? join(homedir(), '.cache', 'kamheap');
  return join(cache, 'docker');
}

export interface DockerRunOptions {
  timeoutMs?: number;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  reject?: boolean;
  cwd?: string;
  /** More environment variables (compose.yaml's, e.g. KAMAILIO_PORT). */
  env?: Readonly<Record<string, string>>;
}

/** A client command's outcome (exitCode is 0 unless `reject: false`). */
export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DockerDaemon {
  /** DOCKER_HOST of this daemon, `unix:///tmp/kamheap-dockerd-XXXX/docker.sock`. */
  readonly host: string;
  /** The environment for docker and docker-compose: DOCKER_HOST, and the legacy builder. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs Debian's docker client against this daemon. */
  docker(args: readonly string[], opts?: DockerRunOptions): Promise<DockerResult>;
  /** Runs docker-compose against this daemon. */
  compose(args: readonly string[], opts?: DockerRunOptions): Promise<DockerResult>;
  /** Removes every container, stops the daemon (and its containerd), removes its temp dir. */
  stop(): Promise<void>;
}

/** Starts a private dockerd and waits until it answers; throws DockerError with its log tail. */
export async function startDockerDaemon(): Promise<DockerDaemon> {
  const cacheDir = dockerCacheDir();
  mkdirSync(join(cacheDir, 'data'), { recursive: true });
  // Short: containerd's sockets live under the exec root, and a unix socket path has 108 bytes.
  const dir = mkdtempSync('/tmp/kamheap-dockerd-');
  const socket = join(dir, 'docker.sock');
  const logFile = join(dir, 'dockerd.log');
  const config = {
    iptables: false,
    'ip-forward': false,
    'ip-masq': false,
    bridge: 'none',
    'data-root': join(cacheDir, 'data'),
    'exec-root': join(dir, 'exec'),
    pidfile: join(dir, 'dockerd.pid'),
    hosts: [`unix://${socket}`],
  };
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify(config, null, 2));
  const logFd = openSync(logFile, 'a');
  // flock holds the data root for the daemon's lifetime; it leads the process group.
  const child = spawn('flock', ['--wait', String(LOCK_WAIT_S), join(cacheDir, '.dockerd.lock'), DOCKERD, '--config-file', join(dir, 'daemon.json')], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const daemon = new PrivateDockerDaemon(dir, socket, logFile, child);
  registerInstance(daemon);
  try {
    await daemon.waitUntilReady();
  } catch (error) {
    await daemon.stop().catch(() => undefined);
    throw error;
  }
  return daemon;
}

class PrivateDockerDaemon implements DockerDaemon {
  readonly host: string;
  readonly env: Readonly<Record<string, string>>;
  private exited = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    socket: string,
    private readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.host = `unix://${socket}`;
    this.env = { DOCKER_HOST: this.host, DOCKER_BUILDKIT: '0', COMPOSE_DOCKER_CLI_BUILD: '0' };
    child.once('exit', () => {
      this.exited = true;
    });
  }

  docker(args: readonly string[], opts: DockerRunOptions = {}): Promise<DockerResult> {
    return this.run(DOCKER, args, opts);
  }

  compose(args: readonly string[], opts: DockerRunOptions = {}): Promise<DockerResult> {
    return this.run(DOCKER_COMPOSE, args, opts);
  }

  // One client command against this daemon, bounded in time.
  private async run(file: string, args: readonly string[], opts: DockerRunOptions): Promise<DockerResult> {
    const result = await execa(file, args, {
      env: { ...opts.env, ...this.env },
      stdin: 'ignore',
      timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      reject: opts.reject ?? true,
      maxBuffer: 256 * 1024 * 1024,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  // Polls `docker version` until the daemon answers, it exits, or the deadline passes.
  async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      if (this.exited) throw new DockerError(`dockerd exited at start`, await logTail(this.logFile, 30));
      const probe = await this.docker(['version', '--format', '{{.Server.Version}}'], { reject: false, timeoutMs: 10_000 });
      if (probe.exitCode === 0) return;
      last = `exit ${probe.exitCode}: ${probe.stderr.trim()}`;
      await sleep(250);
    }
    throw new DockerError(`dockerd did not answer within ${START_TIMEOUT_MS / 1000} s (docker version: ${last})`, await logTail(this.logFile, 30));
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  // Containers first (dockerd would stop them, but only within its own shutdown timeout), then
  // SIGTERM to dockerd, which ends its containerd; SIGKILL to the group if it overstays.
  private async stopOnce(): Promise<void> {
    try {
      if (!this.exited) await this.removeContainers();
      this.signalDaemon('SIGTERM');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!this.exited && Date.now() < deadline) await sleep(100);
      if (!this.exited) this.killGroup();
      while (!this.exited && Date.now() < deadline + 5_000) await sleep(100);
      if (!this.exited) throw new DockerError('dockerd survived SIGTERM and SIGKILL', await logTail(this.logFile, 30));
      this.removeDir();
    } finally {
      unregisterInstance(this);
    }
  }

  // `docker rm -f` of every container of this daemon, running or not.
  private async removeContainers(): Promise<void> {
    const listed = await this.docker(['ps', '-aq'], { reject: false, timeoutMs: 20_000 });
    const ids = listed.stdout.split('\n').filter((id) => id !== '');
    if (ids.length > 0) await this.docker(['rm', '-f', ...ids], { reject: false, timeoutMs: STOP_TIMEOUT_MS });
  }

  // dockerd's own PID (flock is its parent) from its pid file, else the group.
  private signalDaemon(signal: NodeJS.Signals): void {
    const pid = Number(readFileOr(join(this.dir, 'dockerd.pid')).trim());
    try {
      if (pid > 1) process.kill(pid, signal);
      else this.killGroup(signal);
    } catch {
      // already gone
    }
  }

  // The whole process group: flock, dockerd and the containerd it started.
  private killGroup(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  // The temp dir, once the daemon is gone. A daemon that had to be killed leaves its network
  // namespace's bind mount (exec/netns/default) behind: unmounted first, deepest first. Anything
  // still mounted then keeps the dir (never half-removed).
  private removeDir(): void {
    const mountsUnder = (): string[] =>
      readFileOr('/proc/self/mounts')
        .split('\n')
        .map((line) => line.split(' ')[1] ?? '')
        .filter((path) => path.startsWith(`${this.dir}/`));
    for (const path of mountsUnder().sort().reverse()) spawnSync('umount', [path], { timeout: 10_000 });
    if (mountsUnder().length === 0) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort on exit or a fatal signal: containers, then the daemon. */
  killNow(): void {
    if (this.exited) return;
    const list = spawnSync(DOCKER, ['ps', '-aq'], { env: { ...process.env, ...this.env }, timeout: 10_000, encoding: 'utf8' });
    const ids = (list.stdout ?? '').split('\n').filter((id) => id !== '');
    if (ids.length > 0) spawnSync(DOCKER, ['rm', '-f', ...ids], { env: { ...process.env, ...this.env }, timeout: 30_000 });
    this.signalDaemon('SIGTERM');
    const pid = this.child.pid;
    if (pid !== undefined) spawnSync('timeout', ['30', 'tail', `--pid=${pid}`, '-f', '/dev/null']);
    this.killGroup();
    this.removeDir();
  }
}

// A file's text, or '' when it cannot be read.
function readFileOr(path: string): string {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  } catch {
    return '';
  }
}
