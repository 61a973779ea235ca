// The testbed on Kamailio 5.6.3 built from Debian's source (scripts/build-kamailio.sh): one
// instance per flavor serves SIP, and Kamailio's own dumps come back with sites (dwarf) or
// without (nodebug). The first run builds each flavor (about 1-2 minutes each on 2 cores, plus
// apt). KAMHEAP_SOURCE_BUILDS=0 skips them (1 makes scripts/setup.sh build both up front).
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OracleUnsupportedError } from '../../testbed/errors.js';
import { kamailioBuild, type KamailioBuild, type SourceFlavor } from '../../testbed/kamailio-build.js';
import { processState, startKamailio, stopAllKamailio, type KamailioInstance } from '../../testbed/kamailio-instance.js';
import { fillShm, runSipp } from '../../testbed/load.js';
import { dumpPkg, dumpShm, shmSummary, type DumpFragment } from '../../testbed/oracle.js';

const BUILD_TIMEOUT_MS = 40 * 60_000;
const USERS = 200;
const MESSAGES = 20;
const CELLS = 3_000;

/** q_malloc header/trailer sizes per flavor, as `ptype/o` shows them on the two builds. */
const LAYOUT: Record<SourceFlavor, { frag: bigint; end: bigint; sites: boolean }> = {
  dwarf: { frag: 56n, end: 48n, sites: true },
  nodebug: { frag: 16n, end: 16n, sites: false },
};

// Each fragment starts where the previous one's trailer ends.
function expectContiguous(fragments: DumpFragment[], frag: bigint, end: bigint): void {
  for (const [i, f] of fragments.slice(1).entries()) {
    const previous = fragments[i];
    expect(f.frag).toBe((previous?.frag ?? 0n) + frag + (previous?.size ?? 0n) + end);
  }
}

const SKIP = process.env.KAMHEAP_SOURCE_BUILDS === '0';

describe.skipIf(SKIP).each<SourceFlavor>(['dwarf', 'nodebug'])('testbed on the %s source build', (flavor) => {
  const layout = LAYOUT[flavor];
  let build: KamailioBuild;
  let kamailio: KamailioInstance;

  beforeAll(async () => {
    build = await kamailioBuild(flavor);
    kamailio = await startKamailio({ build: flavor, children: 2 });
    await runSipp(kamailio, { scenario: 'register', calls: USERS, rate: 500 });
    await runSipp(kamailio, { scenario: 'message', calls: MESSAGES, rate: 200 });
    await fillShm(kamailio, { cells: CELLS });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await stopAllKamailio();
  });

  it('runs the cached build with its own modules and kamcmd', async () => {
    expect(kamailio).toMatchObject({ build: flavor, version: '5.6.3', root: undefined, binary: build.binary, moduleDir: build.moduleDir });
    expect(build.moduleDir).toMatch(new RegExp(`/kamailio-5\\.6\\.3-${flavor}/lib/kamailio/modules$`));
    expect(build.kamcmd).toMatch(/\/sbin\/kamcmd$/);
    expect(await kamailio.rpc('core.version')).toMatch(/^kamailio 5\.6\.3 /);
    const processes = await kamailio.processes();
    for (const p of processes) expect(processState(p.pid)).toMatch(/^[RS]$/);
    const { stdout } = await execa(build.binary, ['-I']);
    expect(stdout.includes('DBG_SR_MEMORY')).toBe(layout.sites);
  });

  it('carries DWARF; the per-fragment debug members only in dwarf', async () => {
    const { stdout } = await execa('gdb', ['-nx', '-batch', '-ex', 'ptype/o struct qm_frag', build.binary]);
    expect(stdout).toMatch(new RegExp(`total size \\(bytes\\):\\s+${layout.frag}\\s*\\*/\\s*}\\s*$`));
    expect(/const char \*file;/.test(stdout)).toBe(layout.sites);
  });

  it('dumps shm: every fragment, with allocation sites only when the build has them', async () => {
    const dump = await dumpShm(kamailio);
    const used = dump.fragments.filter((f) => !f.free);
    expect(used.length).toBeGreaterThan(CELLS + USERS);
    expect(used.reduce((sum, f) => sum + f.size, 0n)).toBe(dump.heap.used);
    for (const f of dump.fragments) expect(f.address - f.frag).toBe(layout.frag);
    expectContiguous(dump.fragments, layout.frag, layout.end);
    expect(dump.sites).toBe(layout.sites);
    const withSite = dump.fragments.filter((f) => f.file !== '');
    expect(withSite.length).toBe(layout.sites ? dump.fragments.length : 0);
    if (layout.sites) expect(used.filter((f) => f.file.startsWith('htable: ')).length).toBeGreaterThan(CELLS);
  });

  it('sums shm per site in dwarf; says why not in nodebug', async () => {
    const summary = shmSummary(kamailio, { timeoutMs: 20_000 });
    if (layout.sites) {
      const entries = await summary;
      expect(entries.some((e) => e.file === 'htable: ht_api.c' && e.count >= CELLS)).toBe(true);
    } else {
      await expect(summary).rejects.toBeInstanceOf(OracleUnsupportedError);
    }
  });

  it("dumps a receiver's pkg heap; its sums only in dwarf", async () => {
    const receiver = (await kamailio.processes()).find((p) => p.description.startsWith('udp receiver'));
    const dump = await dumpPkg(kamailio, receiver?.pid ?? -1, { timeoutMs: 20_000 });
    expect(dump.heap.size).toBe(8n * 1024n * 1024n);
    expect(dump.fragments.length).toBeGreaterThan(100);
    expectContiguous(dump.fragments, layout.frag, layout.end);
    expect(dump).toMatchObject({ sites: layout.sites, sumsAvailable: layout.sites });
    expect(dump.sums.length > 0).toBe(layout.sites);
  });
});
