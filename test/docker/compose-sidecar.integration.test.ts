// kamheap in a container, as docker/README.md tells an operator to run it, in a private Docker
// daemon (testbed/docker-daemon.ts): the images of docker/ built on a Debian 12 base made by
// mmdebstrap, Debian's Kamailio in a container of docker/compose.yaml, loaded with sipp from the
// host, and kamheap as its sidecar (pid "service:kamailio", SYS_PTRACE only). The sidecar's shm walk
// must equal that Kamailio's own corex.shm_summary; its ps must name the processes core.psx names;
// a plain `docker run --pid container:ID --cap-add SYS_PTRACE` and kamheap on the host (by the
// container's host PID) walk the same; a Kamailio run as its own user is walked by kamheap run as
// that user with no capability; without SYS_PTRACE (as root) kamheap exits 5 with one line. And
// what Kamailio as PID 1 of the namespace adopts: kamheap SIGKILLed mid-walk leaves gdb and the
// guard to kamheap-init, never to Kamailio; without kamheap-init kamheap starts nothing (exit 21). Opt-in: KAMHEAP_DOCKER=1 (`npm run test:docker`); a cold machine
// spends minutes on the images (apt in the builds), a warm one seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillShm, runSipp } from '../../testbed/index.js';
import { startDockerDaemon, type DockerDaemon, type DockerResult } from '../../testbed/docker-daemon.js';
import { buildAllImages, KAMHEAP_IMAGE } from '../../testbed/docker-images.js';
import { startComposeKamailio, startKamailioContainer, type ComposeKamailio, type KamailioContainer } from '../../testbed/docker-kamailio.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { snapshotSiteTotals, sumsSiteTotals } from '../integration/heap-compare.js';
import { childrenNamed, isRunning, runCli, waitUntil } from '../helpers/run-cli.js';
import { tracerPid } from '../helpers/target-health.js';

const enabled = process.env.KAMHEAP_DOCKER === '1';
const SETUP_TIMEOUT_MS = 60 * 60_000;

let daemon: DockerDaemon | undefined;
let kamailio: ComposeKamailio | undefined;

/** `compose run --rm kamheap ARGS`: the sidecar of docker/compose.yaml. Its stderr without
 * docker-compose's own progress lines ("Creating kamheap-test_kamheap_run ... done"). */
async function sidecar(args: readonly string[]): Promise<DockerResult> {
  const result = await must(kamailio).compose(['run', '--rm', '-T', 'kamheap', ...args], { reject: false, timeoutMs: 180_000 });
  const stderr = result.stderr.split('\n').filter((line) => !/^Creating \S+_kamheap_run\b/.test(line)).join('\n');
  return { ...result, stderr };
}

/** A plain `docker run` of the kamheap image in the PID namespace of `target` (the compose one by default). */
function dockerRun(caps: readonly string[], args: readonly string[], target: KamailioContainer = must(kamailio)): Promise<DockerResult> {
  const run = ['run', '--rm', '--pid', `container:${target.id}`, '--network', 'none', ...caps, KAMHEAP_IMAGE, ...args];
  return must(daemon).docker(run, { reject: false, timeoutMs: 180_000 });
}

/** The host PID of a container's first process. */
async function hostPid(container: string): Promise<number> {
  return Number((await must(daemon).docker(['inspect', '--format', '{{.State.Pid}}', container])).stdout.trim());
}

// The value set in beforeAll (a failed setup fails every test with its own error first).
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the docker setup did not complete');
  return value;
}

/** Walks until two walks in a row give the same sites, then checks corex.shm_summary between two. */
async function settledSitesAgainstSummary(walk: () => Promise<DockerResult>, target: KamailioContainer = must(kamailio)): Promise<void> {
  const sites = async (): Promise<Map<string, string>> => {
    const result = await walk();
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const snapshot = JSON.parse(result.stdout) as Snapshot;
    expect(snapshot.walk.complete).toBe(true);
    return snapshotSiteTotals(snapshot);
  };
  let before = await sites();
  for (let attempt = 0; attempt < 5; attempt++) {
    const summary = sumsSiteTotals(await target.shmSummary());
    const after = await sites();
    if (JSON.stringify([...before]) === JSON.stringify([...after])) {
      expect(before.size).toBeGreaterThan(10);
      expect(before).toEqual(summary);
      return;
    }
    before = after;
  }
  throw new Error('shm kept changing around corex.shm_summary');
}

describe.skipIf(!enabled)('kamheap as the sidecar of a Kamailio container (docker/)', () => {
  beforeAll(async () => {
    daemon = await startDockerDaemon();
    const base = await buildAllImages(daemon);
    kamailio = await startComposeKamailio(daemon, base);
    await runSipp(kamailio, { scenario: 'register', calls: 200, rate: 200 });
    await runSipp(kamailio, { scenario: 'message', calls: 50, rate: 100 });
    await fillShm(kamailio, { cells: 2000 });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    try {
      await kamailio?.stop();
    } finally {
      await daemon?.stop();
    }
  }, 300_000);

  it('sidecar: ps 1 lists the processes core.psx names, by the PIDs of their namespace', async () => {
    const psx = await must(kamailio).processes();
    const result = await sidecar(['ps', '1', '--json']);
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const list = JSON.parse(result.stdout) as ProcessList;
    expect(list.processes.map((p) => ({ index: p.index, pid: p.pid, role: p.role }))).toEqual(psx.map((p) => ({ index: p.index, pid: p.pid, role: p.description })));
    expect(psx[0]?.pid).toBe(1);
  });

  it('sidecar: walk 1 --heap shm sums the sites exactly as corex.shm_summary does', async () => {
    await settledSitesAgainstSummary(() => sidecar(['walk', '1', '--heap', 'shm', '--json', '-']));
  });

  it('docker run --pid container:ID --cap-add SYS_PTRACE: the same walk', async () => {
    await settledSitesAgainstSummary(() => dockerRun(['--cap-drop', 'ALL', '--cap-add', 'SYS_PTRACE'], ['walk', '1', '--heap', 'shm', '--json', '-']));
  });

  it('kamheap on the host: the container\'s main process by its host PID, its namespace\'s PIDs as nsPid', async () => {
    const hostPid = Number((await must(daemon).docker(['inspect', '--format', '{{.State.Pid}}', must(kamailio).id])).stdout.trim());
    const psx = await must(kamailio).processes();
    const ps = await runCli(['ps', String(hostPid), '--json']);
    expect({ exitCode: ps.exitCode, stderr: ps.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const list = JSON.parse(ps.stdout) as ProcessList;
    expect(list.processes.map((p) => ({ index: p.index, nsPid: p.nsPid, role: p.role }))).toEqual(psx.map((p) => ({ index: p.index, nsPid: p.pid, role: p.description })));
    expect(list.processes[0]?.pid).toBe(hostPid);
    await settledSitesAgainstSummary(() => runCli(['walk', String(hostPid), '--heap', 'shm', '--json', '-']));
  });

  // docker/README.md, "Why root": a Kamailio run as a user of its own is read by kamheap run as
  // that same user, with no capability at all.
  it('the same user as Kamailio and no capability: docker run --user UID:GID --cap-drop ALL walks shm and a pkg', async () => {
    const own = await startKamailioContainer(must(daemon), { user: 'kamailio' });
    try {
      const id = async (flag: string): Promise<string> => (await must(daemon).docker(['exec', own.id, 'id', flag])).stdout.trim();
      const user = `${await id('-u')}:${await id('-g')}`;
      expect(user).not.toMatch(/^0:/);
      await fillShm(own, { cells: 500 });
      const asKamailio = ['--user', user, '--cap-drop', 'ALL'];
      await settledSitesAgainstSummary(() => dockerRun(asKamailio, ['walk', '1', '--heap', 'shm', '--json', '-'], own), own);
      // A pkg walk attaches gdb (ptrace) as that user too.
      const before = await own.processes();
      const pkg = await dockerRun(asKamailio, ['walk', '1', '--heap', 'pkg', '--json', '-'], own);
      expect({ exitCode: pkg.exitCode, stderr: pkg.stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect((JSON.parse(pkg.stdout) as Snapshot).walk.complete).toBe(true);
      expect(await own.processes()).toEqual(before);
    } finally {
      await own.stop();
    }
  });

  // Kamailio's main process is PID 1 of its namespace and takes any child it reaps for a dead
  // worker: gdb and the guard, left behind by a killed kamheap, must be adopted by kamheap-init.
  it('kamheap killed (SIGKILL) in the middle of a pkg walk of PID 1: Kamailio runs on, untraced, and adopts nothing', async () => {
    const target = must(kamailio);
    const before = await target.processes();
    const logStart = (await target.logLines()).length;
    const mainHostPid = await hostPid(target.id);
    const args = ['--pid', `container:${target.id}`, '--network', 'none', '--cap-drop', 'ALL', '--cap-add', 'SYS_PTRACE'];
    const container = (await must(daemon).docker(['run', '-d', ...args, KAMHEAP_IMAGE, 'walk', '1', '--heap', 'pkg', '--walker', 'script'])).stdout.trim();
    try {
      const init = await hostPid(container);
      await waitUntil(() => tracerPid(mainHostPid) !== 0, 60_000, 'the attach of Kamailio main');
      const [kamheap] = await childrenNamed(init, 'node');
      expect(kamheap).toBeDefined();
      process.kill(kamheap ?? 0, 'SIGKILL');
      const exit = await must(daemon).docker(['wait', container], { timeoutMs: 30_000 });
      expect(exit.stdout.trim()).toBe('137');
      await waitUntil(() => isRunning(mainHostPid) && tracerPid(mainHostPid) === 0, 5000, 'Kamailio main to run untraced');
      expect(await target.processes()).toEqual(before);
      const alarms = (await target.logLines()).slice(logStart).filter((line) => /child process \d+|terminating|signal \d+ received/.test(line));
      expect(alarms).toEqual([]);
    } finally {
      await must(daemon).docker(['rm', '-f', container], { reject: false });
    }
  });

  it('without kamheap-init (the entrypoint replaced): exit 21 and one line, nothing started, Kamailio untouched', async () => {
    const before = await must(kamailio).processes();
    const result = await dockerRun(['--cap-drop', 'ALL', '--cap-add', 'SYS_PTRACE', '--entrypoint', 'kamheap'], ['walk', '1', '--heap', 'pkg']);
    expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 21, stdout: '' });
    expect(result.stderr.trim()).toMatch(/^kamheap: Kamailio is PID 1 of this PID namespace: .*Run kamheap as "kamheap-init kamheap \.\.\."/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await must(kamailio).processes()).toEqual(before);
  });

  it('without SYS_PTRACE: exit 5 and one line naming the capability, Kamailio untouched', async () => {
    const before = await must(kamailio).processes();
    const result = await dockerRun(['--cap-drop', 'ALL'], ['walk', '1', '--heap', 'shm']);
    expect(result.exitCode).toBe(5);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SYS_PTRACE/);
    expect(await must(kamailio).processes()).toEqual(before);
  });
});
