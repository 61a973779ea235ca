// `kamheap ps` against Kamailio's own answers: the roles of `core.psx`, the numbers of `pkg.stats`
// and `core.shmmem`; and `ps` / `doctor` without a PID, finding the instances from /proc.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { execa } from 'execa';
import { hostPidOf, runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { CheckResult } from '../../src/doctor/check.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKamheapInit } from '../helpers/kamheap-init.js';
import { kamheapBin, runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 2 });
  await runSipp(kamailio, { scenario: 'register', calls: 100, rate: 200 });
});

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
});

/** `kamcmd pkg.stats` blocks as pid -> fields. */
function parsePkgStats(text: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const block of text.split('}')) {
    const fields = parseFields(block);
    if (fields['pid']) out.set(Number(fields['pid']), fields);
  }
  return out;
}

it('lists every process of core.psx with its role, from any process of the instance', async () => {
  const psx = await kamailio.processes();
  const someChild = psx.at(-1)?.pid ?? kamailio.pid;
  const result = await runCli(['ps', String(someChild), '--json']);
  expect(result.exitCode).toBe(0);
  const list = JSON.parse(result.stdout) as ProcessList;
  expect(list.processes.map((p) => ({ index: p.index, pid: p.pid, role: p.role }))).toEqual(
    psx.map((p) => ({ index: p.index, pid: p.pid, role: p.description })),
  );
});

it("reports each process's pkg totals as pkg.stats does", async () => {
  const result = await runCli(['ps', String(kamailio.pid), '--json']);
  const list = JSON.parse(result.stdout) as ProcessList;
  const stats = parsePkgStats(await kamailio.rpc('pkg.stats'));
  for (const p of list.processes) {
    const s = stats.get(p.pid);
    if (!s) throw new Error(`pkg.stats has no entry for ${p.pid}`);
    expect({ pid: p.pid, used: p.pkg?.used, size: p.pkg?.size, free: p.pkg?.free, realUsed: p.pkg?.realUsed }).toEqual({
      pid: p.pid,
      used: Number(s['used']),
      size: Number(s['total_size']),
      free: Number(s['free']),
      realUsed: Number(s['real_used']),
    });
  }
});

it("prints pkg.stats's numbers under its column names, and core.shmmem's as the shm line (--bytes)", async () => {
  const result = await runCli(['ps', String(kamailio.pid), '--bytes']);
  expect(result.exitCode).toBe(0);
  const [title, header, ...rows] = result.stdout.trimEnd().split('\n');
  expect(title).toBe(`Kamailio instance of PID ${kamailio.pid}: ${(await kamailio.processes()).length} processes`);
  expect(header?.split(/\s+/)).toEqual(['entry', 'pid', 'rank', 'used', 'free', 'real_used', 'total_size', 'desc']);
  const stats = parsePkgStats(await kamailio.rpc('pkg.stats'));
  const shmLine = rows.pop();
  expect(rows).toEqual(
    [...stats.values()].map((s) =>
      [s['entry']?.padStart(5), s['pid']?.padStart(7), s['rank']?.padStart(4), ...['used', 'free', 'real_used', 'total_size'].map((k) => s[k]?.padStart(10))].join(' ') + `  ${s['desc']}`,
    ),
  );
  const shm = parseFields(await kamailio.rpc('core.shmmem'));
  expect(shmLine).toBe(`shm: total ${shm['total']}  free ${shm['free']}  used ${shm['used']}  real_used ${shm['real_used']}  max_used ${shm['max_used']}`);
});

it('prints human sizes by default', async () => {
  const result = await runCli(['ps', String(kamailio.pid)]);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toMatch(/udp receiver child=0 sock=127\.0\.0\.1:/);
  expect(result.stdout).toMatch(/^\s+0\s+\d+\s+0\s+[\d.]+ KiB\s+[\d.]+ MiB\s+[\d.]+ KiB\s+8\.00 MiB {2}main process - attendant$/m);
  expect(result.stdout).toMatch(/^shm: total 64\.0 MiB {2}free [\d.]+ MiB {2}used [\d.]+ MiB {2}real_used [\d.]+ MiB {2}max_used [\d.]+ MiB$/m);
});

it('finds the running instances without a PID: ps lists each, by its main process', async () => {
  const second = await startKamailio({ children: 1 });
  try {
    const result = await runCli(['ps', '--json']);
    expect(result.exitCode).toBe(0);
    const lists = JSON.parse(result.stdout) as ProcessList[];
    for (const instance of [kamailio, second]) {
      // Other instances may run on this machine too: each of ours is there, named by its main process.
      const list = lists.find((l) => l.pid === instance.pid);
      expect(list?.processes.map((p) => p.pid)).toEqual((await instance.processes()).map((p) => p.pid));
    }
    const text = await runCli(['ps']);
    expect(text.stdout).toContain(`Kamailio instance of PID ${kamailio.pid}: `);
    expect(text.stdout).toContain(`Kamailio instance of PID ${second.pid}: `);
    // doctor checks one instance: with several it asks which, one line each.
    const doctor = await runCli(['doctor']);
    expect(doctor.exitCode).toBe(2);
    expect(doctor.stderr).toMatch(/^kamheap: \d+ Kamailio instances are running: give the PID of one \(kamheap doctor PID\)\n/);
    // One line each (execa strips the last line's newline).
    const lines = doctor.stderr.split('\n').slice(1);
    for (const instance of [kamailio, second]) expect(lines).toContain(`${String(instance.pid).padStart(9)}  /usr/sbin/kamailio  ${(await instance.processes()).length} processes`);
  } finally {
    await second.stop();
  }
});

it('says so in one line when no Kamailio runs (exit 3); doctor then checks the machine and says it', async () => {
  // A PID namespace with a /proc of its own, where kamheap is alone: no instance is visible.
  const alone = (args: string[]) => execa('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, kamheapBin, ...args], { reject: false });
  const ps = await alone(['ps']);
  expect({ exitCode: ps.exitCode, stdout: ps.stdout, stderr: ps.stderr }).toEqual({
    exitCode: 3,
    stdout: '',
    stderr: 'kamheap: no running Kamailio found (no process runs an executable that defines _pkg_root or mem_block)',
  });
  const doctor = await alone(['doctor', '--json']);
  expect(doctor.exitCode).toBe(0);
  const { checks } = JSON.parse(doctor.stdout) as { checks: CheckResult[] };
  expect(checks.map((c) => c.name)).toEqual(['gdb', 'ptrace', 'kamailio', 'OS memory']);
  expect(checks[2]).toMatchObject({ status: 'fail', verdict: expect.stringContaining('no running Kamailio found') });
});

it('uses the one instance it sees when no PID is given (a sidecar in the instance PID namespace)', async () => {
  const contained = await startKamailio({ children: 1, pidNamespace: true });
  const dir = mkdtempSync(join(tmpdir(), 'kamheap-ps-init-'));
  try {
    // nsenter into the instance's PID and mount namespaces: its /proc shows that instance alone,
    // whose main process is PID 1 there; kamheap runs below kamheap-init, as in its image.
    const init = buildKamheapInit(dir);
    const inside = (args: string[]) => execa('nsenter', ['--target', String(hostPidOf(contained.pid, 1)), '--pid', '--mount', init, process.execPath, kamheapBin, ...args], { reject: false });
    const ps = await inside(['ps', '--json']);
    expect(ps.exitCode).toBe(0);
    const [list, ...others] = JSON.parse(ps.stdout) as ProcessList[];
    expect(others).toEqual([]);
    expect(list?.processes.map((p) => ({ pid: p.pid, role: p.role }))).toEqual((await contained.processes()).map((p) => ({ pid: p.pid, role: p.description })));
    const doctor = await inside(['doctor', '--json']);
    expect(doctor.exitCode).toBe(0);
    const { checks } = JSON.parse(doctor.stdout) as { checks: CheckResult[] };
    expect(checks.map((c) => c.name)).toEqual(['gdb', 'ptrace', 'debug fields', 'shm headroom', 'pkg headroom', 'mem_join', 'OS memory']);
  } finally {
    await contained.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `name: value` lines of a kamcmd answer. */
function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of text.matchAll(/^\s*(\w+): (.*)$/gm)) fields[m[1] ?? ''] = m[2] ?? '';
  return fields;
}
