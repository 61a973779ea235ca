// `kamheap info` on every kind of build and allocator mix: what it detects equals what Kamailio says.
import { afterEach, describe, expect, it } from 'vitest';
import { startKamailio, stopAllKamailio, type Allocator } from '../../testbed/index.js';
import type { InstanceInfo } from '../../src/locate/instance-info.js';
import { runCli } from '../helpers/run-cli.js';
import { expectInstanceHealthy } from '../helpers/target-health.js';

const names: Record<Allocator, string> = { qm: 'q_malloc', fm: 'f_malloc', tlsf: 'tlsf_malloc' };

afterEach(async () => {
  await stopAllKamailio();
});

describe('kamheap info', () => {
  it.each([
    ['debian', 'qm', 'qm', 'profile', true],
    ['debian', 'tlsf', 'fm', 'profile', true],
    ['dwarf', 'fm', 'qm', 'dwarf', true],
    ['nodebug', 'qm', 'tlsf', 'dwarf', false],
  ] as const)('%s build, -x %s -X %s: layouts from %s, debug fields %s', async (build, shm, pkg, source, debug) => {
    const kamailio = await startKamailio({ build, shmAllocator: shm, pkgAllocator: pkg, children: 1 });
    const timer = (await kamailio.processes()).find((p) => p.description === 'timer');
    if (!timer) throw new Error('no timer process');
    const result = await runCli(['info', String(timer.pid), '--json']);
    expect(result.exitCode).toBe(0);
    const info = JSON.parse(result.stdout) as InstanceInfo;
    expect(info.version).toMatch(/^kamailio 5\.6\.3/);
    expect(info.role).toBe('timer');
    expect(info.compileFlags.includes('DBG_SR_MEMORY')).toBe(debug);
    const [pkgHeap, shmHeap] = info.heaps;
    const stats = (await kamailio.rpc('pkg.stats')).split('}').find((b) => new RegExp(`pid: ${timer.pid}\\b`).test(b)) ?? '';
    expect(pkgHeap).toMatchObject({ kind: 'pkg', rootSymbol: '_pkg_root', allocator: names[pkg], layoutSource: source, debugFields: debug });
    expect({ size: pkgHeap?.size, free: pkgHeap?.free }).toEqual({ size: Number(/total_size: (\d+)/.exec(stats)?.[1]), free: Number(/free: (\d+)/.exec(stats)?.[1]) });
    expect(shmHeap).toMatchObject({ kind: 'shm', rootSymbol: '_shm_root', allocator: names[shm], layoutSource: source, debugFields: debug });
    const total = Number(/total: (\d+)/.exec(await kamailio.rpc('core.shmmem'))?.[1]);
    expect(shmHeap?.size).toBe(total);
    await expectInstanceHealthy(kamailio);
  });
});
