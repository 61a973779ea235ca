// layoutFromDwarf on gdb's recorded answers: the debug builds of 5.6.3 and 6.0.1 give the built-in
// profiles of their eras plus the names of what they point at, MEMDBG=0 the smaller structs,
// Kamailio 4.x's structs fragments without a module and f_malloc's free flag in prv_free.
import { describe, expect, it } from 'vitest';
import type { AllocatorName } from '../../src/heap/layout.js';
import { profileFor } from '../../src/heap/layout-profiles.js';
import { fixtureLayout } from './dwarf-fixture.js';

const allocators: AllocatorName[] = ['q_malloc', 'f_malloc', 'tlsf_malloc'];

describe('layoutFromDwarf', () => {
  it.each(allocators)('reproduces the %s profile on the debug build', async (allocator) => {
    const { types, ...layout } = (await fixtureLayout('kamailio-5.6.3-dwarf', allocator)) ?? {};
    const profile = profileFor(allocator, '5.0', true);
    expect(layout).toEqual({ ...profile, id: profile?.id.replace('/x86_64', '/dwarf'), source: 'dwarf' });
    expect(types?.fragmentMembers).toHaveProperty('mname');
  });

  it.each(allocators)('reproduces the %s profiles of 5.8 on, with and without debug fields, on 6.0.1', async (allocator) => {
    for (const [fixture, debug] of [['kamailio-6.0.1-dwarf', true], ['kamailio-6.0.1-nodebug', false]] as const) {
      const { types: _types, ...layout } = (await fixtureLayout(fixture, allocator)) ?? {};
      const profile = profileFor(allocator, '5.8', debug);
      expect(layout).toEqual({ ...profile, id: `${allocator}/${debug ? 'dbg' : 'nodbg'}/dwarf`, source: 'dwarf' });
    }
  });

  it('names the q_malloc types and members it read the numbers from', async () => {
    expect((await fixtureLayout('kamailio-5.6.3-dwarf', 'q_malloc'))?.types).toEqual({
      block: 'struct qm_block',
      fragment: 'struct qm_frag',
      trailer: 'struct qm_frag_end',
      blockMembers: { size: 'size', used: 'used', realUsed: 'real_used', maxRealUsed: 'max_real_used' },
      firstFrag: { member: 'first_frag', add: '0' },
      walkEnd: { member: 'last_frag_end', add: '0' },
      fragmentMembers: { size: 'size', free: 'u.is_free', file: 'file', func: 'func', line: 'line', mname: 'mname' },
      checkMembers: { check: 'check', check1: 'check1', check2: 'check2' },
      overhead: 'sizeof(struct qm_frag) + sizeof(struct qm_frag_end)',
      trailerOffset: 'sizeof(struct qm_frag)',
    });
  });

  it.each(allocators)('reproduces the %s profile without debug fields on the MEMDBG=0 build', async (allocator) => {
    const { types: _types, ...layout } = (await fixtureLayout('kamailio-5.6.3-nodebug', allocator)) ?? {};
    const profile = profileFor(allocator, '5.0', false);
    expect(layout).toEqual({ ...profile, id: `${allocator}/nodbg/dwarf`, source: 'dwarf' });
  });

  it('names no debug members on a MEMDBG=0 build', async () => {
    for (const allocator of allocators) {
      const layout = await fixtureLayout('kamailio-5.6.3-nodebug', allocator);
      expect(layout?.fragment.debug).toBeUndefined();
      expect(Object.keys(layout?.types?.fragmentMembers ?? {}).sort()).toEqual(allocator === 'tlsf_malloc' ? ['free', 'prevFree', 'size'] : ['free', 'size']);
    }
  });

  it('reads Kamailio 4.x fragments: no module, f_malloc free while linked (prv_free), no TLSF', async () => {
    const qm = await fixtureLayout('kamailio-4x-structs', 'q_malloc');
    expect(qm?.fragment.debug).toEqual({ file: 16, func: 24, line: { offset: 32, width: 8 }, mnameInFree: true });
    expect(qm?.types?.fragmentMembers).toEqual({ size: 'size', free: 'u.is_free', file: 'file', func: 'func', line: 'line' });
    const fm = await fixtureLayout('kamailio-4x-structs', 'f_malloc');
    expect(fm?.fragment.free).toEqual({ offset: 16, width: 8 });
    expect(fm?.types?.fragmentMembers.free).toBe('prv_free');
    expect(await fixtureLayout('kamailio-4x-structs', 'tlsf_malloc')).toBeUndefined();
  });
});
