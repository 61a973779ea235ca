// The views against Kamailio's own per-module account: `walk --by module` totals equal
// `kamcmd mod.stats all shm` for shm and, for the process that answers the RPC (the ctl handler),
// `kamcmd mod.stats all pkg`. Kamailio 5.6 computes both in kex's mod_stats.c: per module the sum
// of `f->size` over the used fragments whose mname is that module (q_malloc.c qm_mod_get_stats),
// which is what a site's bytes are (sizes, no overhead). Then inspect --site by a part of a site.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/index.js';
import type { Inspection } from '../../src/cli/inspect-command.js';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

let kamailio: KamailioInstance;

beforeAll(async () => {
  kamailio = await startKamailio({ children: 1 });
  await runSipp(kamailio, { scenario: 'register', calls: 100, rate: 200 });
  await runSipp(kamailio, { scenario: 'options', calls: 100, rate: 200 });
}, 120_000);

afterEach(async () => {
  await expectInstanceHealthy(kamailio);
});

afterAll(async () => {
  await stopAllKamailio();
});

/** Per module "bytes", nonzero only, from `kamcmd mod.stats all HEAP` ("Module: m { ... Total: n }"). */
function modStatsTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const m of text.matchAll(/^Module: (\S+)\n\{\n(?:\t.*\n)*?\tTotal: (\d+)\n\}/gm)) {
    if (m[1] !== undefined && Number(m[2]) > 0) totals.set(m[1], Number(m[2]));
  }
  return totals;
}

/** Per module bytes from the text table of `walk --by module --bytes`. */
function viewTotals(text: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const m of text.matchAll(/^ *\d+ +(\d+) +[\d.]+% +\d+ +\d+  (\S+)$/gm)) totals.set(m[2] ?? '', Number(m[1]));
  return totals;
}

/** `walk --by module --bytes` of one heap as per-module totals. */
async function walkByModule(pid: number, heap: 'pkg' | 'shm'): Promise<Map<string, number>> {
  const r = await runCli(['walk', String(pid), '--heap', heap, '--by', 'module', '--bytes', '--top', '1000', ...(heap === 'shm' ? ['--stop'] : [])]);
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/^count +bytes +share +overhead +sites +module$/m);
  return viewTotals(r.stdout);
}

/** Walk, RPC, walk until both walks agree (a timer may allocate meanwhile); then the RPC's totals and the walk's. */
async function settled(pid: number, heap: 'pkg' | 'shm'): Promise<{ kamailio: Map<string, number>; kamheap: Map<string, number> }> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const before = await walkByModule(pid, heap);
    const rpc = modStatsTotals(await kamailio.rpc('mod.stats', 'all', heap));
    const after = await walkByModule(pid, heap);
    if (JSON.stringify([...before]) === JSON.stringify([...after])) return { kamailio: rpc, kamheap: after };
  }
  throw new Error(`the ${heap} heap of ${pid} did not settle`);
}

const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort(([a], [b]) => a.localeCompare(b));

describe('walk --by module against kamcmd mod.stats', () => {
  it('shm: every module total is the one mod.stats prints', async () => {
    const { kamailio: rpc, kamheap } = await settled(kamailio.pid, 'shm');
    expect(kamheap.get('usrloc')).toBeGreaterThan(0);
    expect(kamheap.get('htable')).toBeGreaterThan(0);
    expect(sorted(kamheap)).toEqual(sorted(rpc));
  }, 180_000);

  it('pkg of the ctl handler (the process that answers the RPC): every module total is the one mod.stats prints', async () => {
    const ctl = (await kamailio.processes()).find((p) => p.description === 'ctl handler');
    expect(ctl).toBeDefined();
    const { kamailio: rpc, kamheap } = await settled(ctl?.pid ?? 0, 'pkg');
    expect(kamheap.get('core')).toBeGreaterThan(0);
    expect(sorted(kamheap)).toEqual(sorted(rpc));
  }, 180_000);
});

describe('inspect --site', () => {
  it('takes a function name only one site has', async () => {
    const r = await runCli(['inspect', String(kamailio.pid), '--heap', 'shm', '--site', 'ht_cell_new', '--sample', '2', '--json']);
    expect(r.exitCode).toBe(0);
    const inspection = JSON.parse(r.stdout) as Inspection;
    expect(inspection.site).toBe('htable: ht_api.c: ht_cell_new(186)');
    expect(inspection.fragments).toHaveLength(2);
  }, 60_000);

  it('lists the sites a module name matches, and exits with 20', async () => {
    const r = await runCli(['inspect', String(kamailio.pid), '--heap', 'shm', '--site', 'usrloc:', '--bytes', '64']);
    expect(r.exitCode).toBe(ExitCode.ambiguousSite);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('kamheap: inspect --bytes B is now --size B');
    expect(r.stderr).toMatch(/^ *\d+ +\S+ \S+ +[\d.]+% +\S+ \S+  usrloc: ucontact\.c: new_ucontact\(\d+\)$/m);
    expect(r.stderr).toMatch(/^kamheap: --site "usrloc:" matches \d+ sites of the shm heap of PID \d+ \(listed above\): pass one of their site strings as --site/m);
  }, 60_000);

  it('takes a site string as a view printed it with its middle elided', async () => {
    const r = await runCli(['inspect', String(kamailio.pid), '--heap', 'shm', '--site', 'htable: ht_a…_cell_new(186)', '--sample', '1', '--json']);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as Inspection).site).toBe('htable: ht_api.c: ht_cell_new(186)');
  }, 60_000);

  it('says the site is in shm, with the command, when the pkg heap walked has none', async () => {
    const r = await runCli(['inspect', String(kamailio.pid), '--heap', 'pkg', '--site', 'ht_cell_new']);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr.trim()).toBe(
      `kamheap: no used fragment from a site matching "ht_cell_new" in the pkg heap of PID ${kamailio.pid}; it is in the shm heap` +
        ` (${/\((\d+) fragments\)/.exec(r.stderr)?.[1] ?? '?'} fragments): kamheap inspect ${kamailio.pid} --heap shm --site 'htable: ht_api.c: ht_cell_new(186)'`,
    );
  }, 60_000);
});
