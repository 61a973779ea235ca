import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KamailioStartError, SippError } from '../../testbed/errors.js';
import { freeUdpPort } from '../../testbed/free-port.js';
import { DEBIAN_BUILD } from '../../testbed/kamailio-build.js';
import {
  processState,
  startKamailio,
  stopAllKamailio,
  type KamailioInstance,
  type KamailioProcess,
} from '../../testbed/kamailio-instance.js';
import { fillShm, runSipp } from '../../testbed/load.js';
import { dumpPkg, dumpShm, shmSummary, type DumpFragment, type SumsEntry } from '../../testbed/oracle.js';
import { groupPids } from '../../testbed/process-tree.js';

const USERS = 500;
const MESSAGES = 40;
const CELLS = 20_000;

// Allocation site as Kamailio prints it; FILE starts with the module name ("htable: ht_api.c").
function site(s: { file: string; func: string; line: number }): string {
  return `${s.file}: ${s.func}(${s.line})`;
}

function moduleOf(fragment: DumpFragment): string {
  return fragment.file.split(': ')[0] ?? '';
}

function countBySite(fragments: DumpFragment[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of fragments) if (!f.free) counts.set(site(f), (counts.get(site(f)) ?? 0) + 1);
  return counts;
}

function sumsBySite(entries: SumsEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(site(e), (counts.get(site(e)) ?? 0) + e.count);
  return counts;
}

// Each `cfg.set_now_int` (the dump trigger itself) commits a new copy of the cfg block in shm,
// so the cfg framework's sites move between any two reads; everything else must agree exactly.
function differingSites(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((key) => !key.startsWith('core: core/cfg/') && a.get(key) !== b.get(key))
    .map((key) => `${key}: ${a.get(key)} vs ${b.get(key)}`);
}

describe('testbed: a real Kamailio under load', () => {
  let kamailio: KamailioInstance;
  let processes: KamailioProcess[];

  beforeAll(async () => {
    kamailio = await startKamailio({ shmMb: 64, children: 2 });
    processes = await kamailio.processes();
    await runSipp(kamailio, { scenario: 'register', calls: USERS, rate: 500 });
    await runSipp(kamailio, { scenario: 'message', calls: MESSAGES, rate: 200 });
    await fillShm(kamailio, { cells: CELLS });
  });

  afterAll(async () => {
    await stopAllKamailio();
  });

  it('runs the processes the config asks for', () => {
    expect(kamailio).toMatchObject({ build: 'debian', version: '5.6.3', root: undefined, binary: DEBIAN_BUILD.binary, moduleDir: DEBIAN_BUILD.moduleDir });
    expect(processes[0]).toMatchObject({ index: 0, pid: kamailio.pid });
    expect(processes.filter((p) => p.description.startsWith('udp receiver'))).toHaveLength(2);
    for (const p of processes) expect(processState(p.pid)).toMatch(/^[RS]$/);
    expect(groupPids(kamailio.pid).sort()).toEqual(processes.map((p) => p.pid).sort());
  });

  it('dumps an shm heap of thousands of fragments from several modules', async () => {
    const dump = await dumpShm(kamailio);
    const used = dump.fragments.filter((f) => !f.free);
    expect(used.length).toBeGreaterThan(CELLS + USERS);
    expect(dump.fragments.map((f) => f.index)).toEqual([...dump.fragments.keys()]);
    expect(used.reduce((sum, f) => sum + f.size, 0n)).toBe(dump.heap.used);

    const perModule = new Map<string, number>();
    for (const f of used) perModule.set(moduleOf(f), (perModule.get(moduleOf(f)) ?? 0) + 1);
    expect(perModule.get('htable')).toBeGreaterThanOrEqual(CELLS + USERS + MESSAGES);
    expect(perModule.get('usrloc')).toBeGreaterThanOrEqual(2 * USERS);
    expect(perModule.get('tm')).toBeGreaterThanOrEqual(MESSAGES);
    expect(perModule.get('core')).toBeGreaterThan(10);
  });

  it('answers again on the same instance, and its sums match the dump per site', async () => {
    const first = await dumpShm(kamailio);
    const sums = await shmSummary(kamailio);
    const second = await dumpShm(kamailio);
    expect(Math.abs(second.fragments.length - first.fragments.length)).toBeLessThanOrEqual(2);
    expect(differingSites(countBySite(first.fragments), sumsBySite(sums))).toEqual([]);
    expect(differingSites(countBySite(second.fragments), sumsBySite(sums))).toEqual([]);
  });

  it('dumps the pkg heap of a receiver (woken by SIP) and of a timer, repeatedly', async () => {
    const receiver = processes.find((p) => p.description.startsWith('udp receiver'));
    const timer = processes.find((p) => p.description === 'timer');
    expect(receiver && timer).toBeTruthy();
    for (const target of [receiver, receiver, timer]) {
      const pid = target?.pid ?? -1;
      const dump = await dumpPkg(kamailio, pid, { timeoutMs: 20_000 });
      expect(dump.pid).toBe(pid);
      expect(dump.heap.size).toBe(8n * 1024n * 1024n);
      expect(dump.fragments.length).toBeGreaterThan(100);
      expect(differingSites(countBySite(dump.fragments), sumsBySite(dump.sums))).toEqual([]);
    }
  });

  it('stops every process of the instance, even a stopped (SIGSTOP) one', async () => {
    const pids = groupPids(kamailio.pid);
    const receiver = processes.find((p) => p.description.startsWith('udp receiver'));
    process.kill(receiver?.pid ?? -1, 'SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processState(receiver?.pid ?? -1)).toBe('T');
    await kamailio.stop();
    await kamailio.stop();
    expect(groupPids(kamailio.pid)).toEqual([]);
    for (const pid of pids) expect(processState(pid)).toBeUndefined();
  });
});

describe('testbed: a Kamailio that cannot start', () => {
  it('throws with the log tail and leaves no process behind', async () => {
    // 1 MB of shm is too little for tm's hash table: mod_init fails and Kamailio exits.
    const error = await startKamailio({ shmMb: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KamailioStartError);
    const { logTail, pid } = error as KamailioStartError;
    expect(logTail).toMatch(/could not allocate shared memory/);
    expect(pid).toBeGreaterThan(0);
    expect(groupPids(pid ?? -1)).toEqual([]);
  });
});

describe('testbed: sipp against a port nobody answers', () => {
  it('fails with SippError within its timeout', async () => {
    const silent = { port: await freeUdpPort(), dir: tmpdir() } as KamailioInstance;
    const started = Date.now();
    await expect(runSipp(silent, { scenario: 'options', calls: 3, timeoutSec: 2 })).rejects.toBeInstanceOf(SippError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
