// The Kamailio of docker/compose.yaml in a private daemon, for tests: started with `compose up`
// (or one more of its image with `docker run`, as another user) on a free loopback port, its RPC through `docker exec ... kamcmd`, and its own shm summary
// (corex.shm_summary) read from its log (`docker logs`: Kamailio logs to stderr, -E) with the
// product's dump collector, as the testbed's oracle reads a host instance's log file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testbedAsset } from './assets.js';
import { DumpBlockCollector, type SumsEntry } from './dump-blocks.js';
import type { DockerDaemon, DockerResult } from './docker-daemon.js';
import { KAMAILIO_IMAGE } from './docker-images.js';
import { DockerError, OracleTimeoutError } from './errors.js';
import { freeUdpPort } from './free-port.js';
import { parsePsx, type KamailioProcess } from './kamcmd.js';

const PROJECT = 'kamheap-test';
const READY_TIMEOUT_MS = 60_000;
const ORACLE_TIMEOUT_MS = 60_000;

/** A Kamailio container of the Kamailio image, in a private daemon. */
export interface KamailioContainer {
  /** The container's id. */
  readonly id: string;
  /** UDP port on 127.0.0.1 (the container shares the host's network). */
  readonly port: number;
  /** A temp dir on the host, for sipp's files (runSipp's cwd). */
  readonly dir: string;
  /** kamcmd inside the container (Debian's default socket, which the image's ctl uses). */
  rpc(...args: string[]): Promise<string>;
  /** core.psx: PIDs as the container (and its sidecar) sees them; the main process is 1. */
  processes(): Promise<KamailioProcess[]>;
  /** corex.shm_summary's lines, as Kamailio logged them. */
  shmSummary(): Promise<SumsEntry[]>;
  /** The container's log (Kamailio's stderr). */
  logLines(): Promise<string[]>;
  /** Removes the container(s), and the temp dir. */
  stop(): Promise<void>;
}

export interface ComposeKamailio extends KamailioContainer {
  /** `docker-compose -f docker/compose.yaml -p kamheap-test ARGS`, with BASE and KAMAILIO_PORT. */
  compose(args: readonly string[], opts?: { reject?: boolean; timeoutMs?: number }): Promise<DockerResult>;
  /** `compose down`: every container of the project, and the temp dir. */
  stop(): Promise<void>;
}

/** `compose up -d kamailio` with images already built; waits until its RPC answers. */
export async function startComposeKamailio(daemon: DockerDaemon, base: string): Promise<ComposeKamailio> {
  const port = await freeUdpPort();
  const env = { BASE: base, KAMAILIO_PORT: String(port) };
  const file = testbedAsset('../docker/compose.yaml');
  const compose = (args: readonly string[], opts: { reject?: boolean; timeoutMs?: number } = {}): Promise<DockerResult> =>
    daemon.compose(['-f', file, '-p', PROJECT, ...args], { ...opts, env });
  const down = async (): Promise<void> => {
    await compose(['--profile', 'tools', 'down', '--timeout', '10'], { reject: false, timeoutMs: 120_000 });
  };
  return started(daemon, port, down, async () => {
    await compose(['up', '-d', '--no-build', 'kamailio']);
    return (await compose(['ps', '-q', 'kamailio'])).stdout.trim();
  }, { compose });
}

/**
 * `docker run -d` of the Kamailio image as `user` (a user of the image: `kamailio`, which Debian's
 * package creates), on a free loopback port; waits until its RPC answers.
 */
export async function startKamailioContainer(daemon: DockerDaemon, options: { user: string }): Promise<KamailioContainer> {
  const port = await freeUdpPort();
  let id = '';
  const remove = async (): Promise<void> => {
    if (id !== '') await daemon.docker(['rm', '-f', id], { reject: false, timeoutMs: 60_000 });
  };
  return started(daemon, port, remove, async () => {
    id = (await daemon.docker(['run', '-d', '--user', options.user, '--network', 'host', KAMAILIO_IMAGE, '-A', `KH_PORT=${port}`])).stdout.trim();
    return id;
  }, {});
}

// The container `start` makes (and returns the id of), its RPC and dumps; removed by `remove`,
// also when it does not come up.
async function started<Extra extends object>(
  daemon: DockerDaemon,
  port: number,
  remove: () => Promise<void>,
  start: () => Promise<string>,
  extra: Extra,
): Promise<KamailioContainer & Extra> {
  const dir = mkdtempSync(join(tmpdir(), 'kamheap-docker-'));
  let id = '';
  const logLines = async (): Promise<string[]> => {
    const logs = await daemon.docker(['logs', id]);
    return logs.stderr.split('\n');
  };
  const rpc = async (...args: string[]): Promise<string> => (await daemon.docker(['exec', id, 'kamcmd', ...args])).stdout;
  const instance = {
    ...extra,
    get id() {
      return id;
    },
    port,
    dir,
    rpc,
    processes: async () => parsePsx(await rpc('core.psx')),
    shmSummary: () => shmSummaryOf(rpc, logLines),
    logLines,
    stop: async () => {
      await remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    id = await start();
    await waitForRpc(instance);
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return instance;
}

// Polls core.psx until the ctl process answers (Kamailio forks its children first).
async function waitForRpc(kamailio: KamailioContainer): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if ((await kamailio.processes()).length > 0) return;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  const tail = kamailio.id === '' ? '' : (await kamailio.logLines().catch(() => [])).slice(-30).join('\n');
  throw new DockerError(`the Kamailio container did not answer core.psx within ${READY_TIMEOUT_MS / 1000} s (${String(last)})`, tail);
}

// corex.shm_summary, then the first complete shm sums block logged after it.
async function shmSummaryOf(rpc: (...args: string[]) => Promise<string>, logLines: () => Promise<string[]>): Promise<SumsEntry[]> {
  const seen = (await logLines()).length - 1;
  await rpc('corex.shm_summary');
  const deadline = Date.now() + ORACLE_TIMEOUT_MS;
  for (;;) {
    const collector = new DumpBlockCollector();
    for (const line of (await logLines()).slice(Math.max(0, seen))) {
      for (const block of collector.push(line)) {
        // corex logs no header line; pkg summaries always come after one, so they are never taken.
        if (block.kind === 'sums' && (block.header === undefined || block.header.what === 'shm-sums')) return block.entries;
      }
    }
    if (Date.now() >= deadline) throw new OracleTimeoutError('corex.shm_summary (docker logs)', ORACLE_TIMEOUT_MS, (await logLines()).slice(-20).join('\n'));
    await sleep(100);
  }
}
