// kamheap in a container, as docker/README.md tells an operator to run it, in a private Docker
// daemon (testbed/docker-daemon.ts): the images of docker/ built on a Debian 12 base made by
// mmdebstrap, Debian's Kamailio in a container of docker/compose.yaml, loaded with sipp from the
// host, and kamheap as its sidecar (pid "service:kamailio", SYS_PTRACE only). The sidecar's shm walk
// must equal that Kamailio's own corex.shm_summary; its ps must name the processes core.psx names;
// a plain `docker run --pid container:ID --cap-add SYS_PTRACE` and kamheap on the host (by the
// container's host PID) walk the same; without SYS_PTRACE kamheap exits 5 with one line. Opt-in: KAMHEAP_DOCKER=1 (`npm run test:docker`); a cold machine
// spends minutes on the images (apt in the builds), a warm one seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillShm, runSipp } from '../../testbed/index.js';
import { startDockerDaemon, type DockerDaemon, type DockerResult } from '../../testbed/docker-daemon.js';
import { buildAllImages, KAMHEAP_IMAGE } from '../../testbed/docker-images.js';
import { startComposeKamailio, type ComposeKamailio } from '../../testbed/docker-kamailio.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { snapshotSiteTotals, sumsSiteTotals } from '../integration/heap-compare.js';
import { runCli } from '../helpers/run-cli.js';

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

/** A plain `docker run` of the kamheap image in the Kamailio container's PID namespace. */
function dockerRun(caps: readonly string[], args: readonly string[]): Promise<DockerResult> {
  const run = ['run', '--rm', '--pid', `container:${must(kamailio).id}`, '--network', 'none', ...caps, KAMHEAP_IMAGE, ...args];
  return must(daemon).docker(run, { reject: false, timeoutMs: 180_000 });
}

// The value set in beforeAll (a failed setup fails every test with its own error first).
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the docker setup did not complete');
  return value;
}

/** Walks until two walks in a row give the same sites, then checks corex.shm_summary between two. */
async function settledSitesAgainstSummary(walk: () => Promise<DockerResult>): Promise<void> {
  const sites = async (): Promise<Map<string, string>> => {
    const result = await walk();
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const snapshot = JSON.parse(result.stdout) as Snapshot;
    expect(snapshot.walk.complete).toBe(true);
    return snapshotSiteTotals(snapshot);
  };
  let before = await sites();
  for (let attempt = 0; attempt < 5; attempt++) {
    const summary = sumsSiteTotals(await must(kamailio).shmSummary());
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
