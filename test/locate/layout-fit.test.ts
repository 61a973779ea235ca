// A built-in profile must fit the heap before it is trusted: on real captures of 5.6.3 heaps the
// profile of their era fits, the profile of 5.8 on (or of builds without debug fields) does not,
// and that is an "unknown layout", never a corrupt heap.
import { describe, expect, it } from 'vitest';
import type { HeapLayout } from '../../src/heap/layout.js';
import { fmallocDebugX64, fmallocDebugX64Since58, qmallocDebugX64, qmallocDebugX64Since58, qmallocX64, tlsfDebugX64, tlsfX64 } from '../../src/heap/layout-profiles.js';
import { versionNumbers, type KamailioRelease } from '../../src/locate/kamailio-release.js';
import { checkLayoutFits } from '../../src/locate/layout-fit.js';
import type { HeapRoot } from '../../src/locate/heap-header.js';
import { heap as shmCapture, heapBytes } from '../heap/heap-fixture.js';
import { loadHeaderFixture, segmentMemory, type HeaderFixtureName } from '../heap/header-fixture.js';

const release: KamailioRelease = { version: '5.6.3', numbers: versionNumbers('5.6.3'), full: 'kamailio 5.6.3 (x86_64/linux)', flags: ['DBG_SR_MEMORY'] };

function root(kind: 'pkg' | 'shm', block: bigint, allocator: HeapRoot['allocator']): HeapRoot {
  return { kind, symbol: `_${kind}_root`, shape: 'api', rootAddress: 0n, mname: allocator, allocator, block };
}

describe.each<[HeaderFixtureName, HeapLayout, HeapLayout]>([
  ['fm-pkg-timer', fmallocDebugX64, fmallocDebugX64Since58],
  ['tlsf-pkg-timer', tlsfDebugX64, tlsfX64],
])('the %s capture', (name, fits, misfits) => {
  const f = loadHeaderFixture(name);
  const memory = segmentMemory(f.segments);
  const heap = root('pkg', f.block, fits.allocator);

  it(`is read with ${fits.id}`, async () => {
    await expect(checkLayoutFits(memory, heap, fits, release)).resolves.toBeUndefined();
  });

  it(`refuses ${misfits.id} as an unknown layout (exit 13), naming the release and the profile`, async () => {
    const error = await checkLayoutFits(memory, heap, misfits, release).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'heap-not-found', exitCode: 13 });
    expect(String((error as Error).message)).toMatch(new RegExp(`^unknown layout for kamailio 5\\.6\\.3 \\(pkg heap, ${fits.allocator}\\): the built-in profile ${misfits.id.replace(/\//g, '\\/')} does not fit it \\(.+\\); install the executable's debug symbols`));
  });
});

describe('the q_malloc shm capture (first 64 KiB, behind a block header rebuilt from its totals)', () => {
  // qm_block: size @8, used @16, real_used @24, max_real_used @32, first_frag @48, last_frag_end @56.
  const block = 0x7f0000000000n;
  const header = Buffer.alloc(64);
  header.writeBigUInt64LE(67108864n, 8);
  header.writeBigUInt64LE(shmCapture.firstFrag, 48);
  header.writeBigUInt64LE(shmCapture.lastFragEnd, 56);
  const memory = segmentMemory([
    { address: Number(block), bytes: header },
    { address: Number(shmCapture.base), bytes: heapBytes },
  ]);
  const heap = root('shm', block, 'q_malloc');

  it('fits the 5.0 profile over its 11 whole fragments', async () => {
    await expect(checkLayoutFits(memory, heap, qmallocDebugX64, release, 11)).resolves.toBeUndefined();
  });

  it.each([qmallocDebugX64Since58, qmallocX64])('does not fit %s', async (layout) => {
    await expect(checkLayoutFits(memory, heap, layout, release, 11)).rejects.toMatchObject({ kind: 'heap-not-found', message: expect.stringMatching(/^unknown layout for kamailio 5\.6\.3/) as unknown });
  });
});
