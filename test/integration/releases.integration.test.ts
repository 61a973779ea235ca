// Every Kamailio operators run (issue 9): Debian 13's own stripped kamailio 6.0.1, chrooted in a
// Debian 13 root, walked from the host with the built-in 5.8+ profiles and compared with that
// Kamailio's own account (corex.shm_summary, its pkg status dump and *_sums) for q_malloc, f_malloc
// and TLSF, both walkers; ps, info and doctor on it; and stripped builds without the debug fields
// read with their profiles. The 6.0.1 source builds (DWARF, MEMDBG=0, and the DWARF split out by
// build-id into the root's /usr/lib/debug) cost two compiles: opt-in (KAMHEAP_RELEASE_BUILDS=1,
// `npm run test:releases`).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceInfo } from '../../src/locate/instance-info.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import { dumpPkg, kamailioBuild, shmSummary, type Allocator, type BuildName, type KamailioInstance } from '../../testbed/index.js';
import { siteTotals } from '../heap/kamailio-dump.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';
import { dumpPkgSums, kamcmdNumbers } from './allocator-oracle.js';
import { dumpFragmentLines, loadedInstance, pidOf, settled, snapshotFragmentLines, snapshotSiteTotals, sumsSiteTotals, totals, walk } from './heap-compare.js';

const RELEASE_BUILDS = process.env.KAMHEAP_RELEASE_BUILDS === '1';
const BUILD_TIMEOUT_MS = 40 * 60_000;
const names: Record<Allocator, string> = { qm: 'q_malloc', fm: 'f_malloc', tlsf: 'tlsf_malloc' };
/** The built-in profile each allocator of a 6.0.1 binary with DBG_SR_MEMORY is read with. */
const profiles58: Record<Allocator, string> = { qm: 'q_malloc/dbg/x86_64/since_5_8', fm: 'f_malloc/dbg/x86_64/since_5_8', tlsf: 'tlsf_malloc/dbg/x86_64' };

describe.each<Allocator>(['qm', 'fm', 'tlsf'])("Debian 13's stripped kamailio 6.0.1, -x %s", (allocator) => {
  let kamailio: KamailioInstance;

  beforeAll(async () => {
    await kamailioBuild('debian13');
    kamailio = await loadedInstance(allocator, allocator, { build: 'debian13' });
  }, BUILD_TIMEOUT_MS);

  afterEach(async () => {
    await expectInstanceHealthy(kamailio);
  });

  afterAll(async () => {
    await kamailio?.stop();
  });

  it('shm: every site sums as corex.shm_summary does, with the 5.8+ profile, both walkers', async () => {
    expect(kamailio.version).toBe('6.0.1');
    const { snapshot, oracle } = await settled(kamailio.pid, 'shm', () => shmSummary(kamailio));
    expect(snapshot.heap).toMatchObject({ allocator: names[allocator], layout: profiles58[allocator], layoutSource: 'profile' });
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshot.fragments?.length).toBeGreaterThan(3000);
    expect(snapshotSiteTotals(snapshot)).toEqual(sumsSiteTotals(oracle));
    const script = await walk(kamailio.pid, 'shm', 'script');
    expect(script.walk).toMatchObject({ walker: 'script', complete: true });
    expect(script.heap.layout).toBe(profiles58[allocator]);
  });

  it('shm: the totals are core.shmmem\'s', async () => {
    const { snapshot, oracle } = await settled(kamailio.pid, 'shm', async () => kamcmdNumbers(await kamailio.rpc('core.shmmem')));
    expect(totals(snapshot)).toEqual({ total: oracle.total, used: oracle.used, real_used: oracle.real_used, max_used: oracle.max_used, free: oracle.free });
  });

  it('pkg of the timer: sites and totals as its own status dump and sums say; ps shows the same totals', async () => {
    const pid = await pidOf(kamailio, /^timer$/);
    // q_malloc's status dump lists every fragment (the testbed parses it); f_malloc's and TLSF's give totals and sums.
    const own = async () => {
      if (allocator !== 'qm') return dumpPkgSums(kamailio, pid);
      const dump = await dumpPkg(kamailio, pid);
      const h = dump.heap;
      return { sums: dump.sums, size: Number(h.size), used: Number(h.used), realUsed: Number(h.realUsed), maxRealUsed: Number(h.maxRealUsed), free: Number(h.free), fragments: dump.fragments };
    };
    const { snapshot, oracle } = await settled(pid, 'pkg', own);
    expect(snapshot.walk.complete).toBe(true);
    expect(snapshotSiteTotals(snapshot)).toEqual(allocator === 'qm' ? sumsSiteTotals(oracle.sums) : siteTotals(oracle.sums));
    if ('fragments' in oracle) expect(snapshotFragmentLines(snapshot)).toEqual(dumpFragmentLines(oracle.fragments));
    const { size, used, realUsed, maxRealUsed, free } = oracle;
    expect(snapshot.heap).toMatchObject({ size, used, realUsed, maxRealUsed, free });
    const ps = JSON.parse((await runCli(['ps', String(kamailio.pid), '--json'])).stdout) as ProcessList;
    expect(ps.processes.find((p) => p.pid === pid)?.pkg).toMatchObject({ allocator: names[allocator], size, realUsed });
  });

  it('info names the release, the profile and its source; doctor sees the build and the headroom', async () => {
    const pid = await pidOf(kamailio, /^timer$/);
    const info = JSON.parse((await runCli(['info', String(pid), '--json'])).stdout) as InstanceInfo;
    expect(info.version).toMatch(/^kamailio 6\.0\.1 /);
    expect(info.role).toBe('timer');
    expect(info.heaps.map((h) => [h.kind, h.layout, h.layoutSource])).toEqual([
      ['pkg', profiles58[allocator], 'profile'],
      ['shm', profiles58[allocator], 'profile'],
    ]);
    const era = allocator === 'tlsf' ? '5.0 to 5.7, 5.8 and later' : '5.8 and later';
    expect(info.heaps[0]?.layoutReason).toBe(`no DWARF: the built-in profile for ${era} with the debug fields (kamailio 6.0.1, compile flags), which fits this heap's header and first fragments`);
    const doctor = await runCli(['doctor', String(pid), '--json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; status: string; verdict: string }> }).checks;
    expect(checks.find((c) => c.name === 'debug fields')).toMatchObject({ status: 'ok', verdict: expect.stringMatching(/^kamailio 6\.0\.1 .*built with DBG_SR_MEMORY/) as unknown });
    expect(checks.filter((c) => c.name.endsWith('headroom')).map((c) => c.status)).toEqual(['ok', 'ok']);
  });
});

describe.each<[BuildName, Allocator]>([
  ['nodebug', 'qm'],
  ['nodebug', 'fm'],
  ['nodebug', 'tlsf'],
])('a stripped %s 5.6.3 build (no debug fields, no DWARF), -x %s', (build, allocator) => {
  let kamailio: KamailioInstance;

  beforeAll(async () => {
    await kamailioBuild(build);
    kamailio = await loadedInstance(allocator, allocator, { build, stripped: true });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await kamailio?.stop();
  });

  it('is read with the built-in profile without debug fields: complete, totals as core.shmmem', async () => {
    const { snapshot, oracle } = await settled(kamailio.pid, 'shm', async () => kamcmdNumbers(await kamailio.rpc('core.shmmem')));
    expect(snapshot.heap).toMatchObject({ allocator: names[allocator], layout: `${names[allocator]}/nodbg/x86_64`, layoutSource: 'profile' });
    expect(snapshot.walk.complete).toBe(true);
    expect(totals(snapshot)).toEqual({ total: oracle.total, used: oracle.used, real_used: oracle.real_used, max_used: oracle.max_used, free: oracle.free });
    if (allocator === 'qm') {
      // q_malloc's status dump lists every fragment: the timer's, at the same addresses and sizes.
      const pid = await pidOf(kamailio, /^timer$/);
      const { snapshot: pkg, oracle: dump } = await settled(pid, 'pkg', () => dumpPkg(kamailio, pid));
      expect(pkg.heap.layout).toBe('q_malloc/nodbg/x86_64');
      expect(snapshotFragmentLines(pkg)).toEqual(dumpFragmentLines(dump.fragments));
    }
    await expectInstanceHealthy(kamailio);
  });
});

describe.each<[BuildName, Allocator, boolean]>([
  ['nodebug', 'tlsf', false],
  ['nodebug', 'fm', false],
  ['6.0.1-dwarf', 'fm', true],
  ['6.0.1-nodebug', 'tlsf', true],
])('ps and doctor on the %s build under %s read with its DWARF', (build, allocator, optIn) => {
  it.runIf(!optIn || RELEASE_BUILDS)("every process's pkg totals (the timer's as its own status dump gives them, or without debug fields as its walk does); doctor's headroom", async () => {
    await kamailioBuild(build);
    const kamailio = await loadedInstance(allocator, allocator, { build });
    try {
      const pid = await pidOf(kamailio, /^timer$/);
      const ps = JSON.parse((await runCli(['ps', String(kamailio.pid), '--json'])).stdout) as ProcessList;
      expect(ps.processes.every((p) => p.pkg !== null)).toBe(true);
      // A build without debug fields logs no *_sums, the end of the dump the oracle waits for: there
      // the totals come from a walk of that heap, which other tests hold to Kamailio's own.
      const oracle = build.includes('nodebug') ? (await walk(pid, 'pkg')).heap : (await settled(pid, 'pkg', () => dumpPkgSums(kamailio, pid))).oracle;
      const row = (JSON.parse((await runCli(['ps', String(kamailio.pid), '--json'])).stdout) as ProcessList).processes.find((p) => p.pid === pid);
      expect(row?.pkg).toMatchObject({ allocator: names[allocator], size: oracle.size, used: oracle.used, realUsed: oracle.realUsed, free: oracle.free });
      const doctor = JSON.parse((await runCli(['doctor', String(kamailio.pid), '--json'])).stdout) as { checks: Array<{ name: string; status: string }> };
      expect(doctor.checks.filter((c) => c.name.endsWith('headroom')).map((c) => c.status)).toEqual(['ok', 'ok']);
      await expectInstanceHealthy(kamailio);
    } finally {
      await kamailio.stop();
    }
  }, BUILD_TIMEOUT_MS);
});

describe.runIf(RELEASE_BUILDS)('Kamailio 6.0.1 source builds (opt-in)', () => {
  it.each<[BuildName, boolean, string]>([
    ['6.0.1-dwarf', false, 'q_malloc/dbg/dwarf'],
    ['6.0.1-split', false, 'q_malloc/dbg/dwarf'],
    ['6.0.1-nodebug', false, 'q_malloc/nodbg/dwarf'],
    ['6.0.1-nodebug', true, 'q_malloc/nodbg/x86_64'],
  ])('%s (stripped: %s) is read with %s, every fragment of the timer as its qm_status lists it', async (build, stripped, layout) => {
    // 6.0.1-split's DWARF is only under the root's /usr/lib/debug: a 'dwarf' layout there proves
    // that kamheap found it through /proc/PID/root.
    await kamailioBuild(build);
    const kamailio = await loadedInstance('qm', 'qm', { build, stripped });
    try {
      const shm = await walk(kamailio.pid, 'shm');
      expect(shm.heap.layout).toBe(layout);
      expect(shm.walk.complete).toBe(true);
      const pid = await pidOf(kamailio, /^timer$/);
      const { snapshot, oracle } = await settled(pid, 'pkg', () => dumpPkg(kamailio, pid));
      expect(snapshot.heap.layout).toBe(layout);
      expect(snapshotFragmentLines(snapshot)).toEqual(dumpFragmentLines(oracle.fragments));
      const info = JSON.parse((await runCli(['info', String(kamailio.pid), '--json'])).stdout) as InstanceInfo;
      expect(info.heaps[1]).toMatchObject({ layout, layoutSource: layout.endsWith('/dwarf') ? 'dwarf' : 'profile' });
      expect(info.heaps[1]?.layoutReason).toMatch(layout.endsWith('/dwarf') ? /^the executable's own DWARF/ : /^no DWARF: the built-in profile for (5\.0 to 5\.7, )?5\.8 and later without the debug fields/);
      await expectInstanceHealthy(kamailio);
    } finally {
      await kamailio.stop();
    }
  }, BUILD_TIMEOUT_MS);
});
