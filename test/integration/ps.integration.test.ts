// `kamheap ps` against Kamailio's own answers: the roles of `core.psx` and the numbers of `pkg.stats`.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import { runCli } from '../helpers/run-cli.js';
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
    const fields: Record<string, string> = {};
    for (const m of block.matchAll(/^\s*(\w+): (.*)$/gm)) fields[m[1] ?? ''] = m[2] ?? '';
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
    expect({ pid: p.pid, size: p.pkg?.size, free: p.pkg?.free, realUsed: p.pkg?.realUsed }).toEqual({
      pid: p.pid,
      size: Number(s['total_size']),
      free: Number(s['free']),
      realUsed: Number(s['real_used']),
    });
  }
});

it('prints a table by default', async () => {
  const result = await runCli(['ps', String(kamailio.pid)]);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toMatch(/udp receiver child=0 sock=127\.0\.0\.1:/);
  expect(result.stdout).toMatch(/^\s+0\s+\d+\s+\d+\s+\d+\s+8388608 {2}main process - attendant$/m);
});
