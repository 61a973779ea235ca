// The process table read live with each kind of layout: Debian's stripped 5.6.3 by its release's
// profile, the testbed's source builds from their own DWARF; either way what core.psx lists.
import { afterEach, describe, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio } from '../../testbed/index.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

afterEach(async () => {
  await stopAllKamailio();
});

describe('kamheap ps', () => {
  it.each([
    ['debian', 'pt/5.3-6.0/tcp'],
    ['dwarf', 'pt/dwarf'],
    ['nodebug', 'pt/dwarf'],
  ] as const)('%s build: table read with %s, as core.psx lists it', async (build, layout) => {
    const kamailio = await startKamailio({ build, children: 1 });
    const result = await runCli(['ps', String(kamailio.pid), '--json']);
    expect(result.exitCode).toBe(0);
    const list = JSON.parse(result.stdout) as ProcessList;
    expect(list.tableLayout).toBe(layout);
    const psx = await kamailio.processes();
    expect(list.processes.map((p) => ({ index: p.index, pid: p.pid, nsPid: p.nsPid, description: p.role }))).toEqual(psx.map((p) => ({ ...p, nsPid: undefined })));
    // Kamailio's ranks (sr_module.h): the main process PROC_MAIN, the one receiver 1.
    expect(list.processes.slice(0, 2).map((p) => p.rank)).toEqual([0, 1]);
    await expectInstanceHealthy(kamailio);
  });
});
