// Which layout a heap is read with: the executable's DWARF when it has it, else the built-in profile
// of its release's era and of its debug fields (its compile flags); nothing is ever guessed.
import { describe, expect, it } from 'vitest';
import type { AllocatorName } from '../../src/heap/layout.js';
import { eraOf } from '../../src/heap/layout-profiles.js';
import { chooseLayout } from '../../src/locate/choose-layout.js';
import { versionNumbers, type KamailioRelease } from '../../src/locate/kamailio-release.js';
import { fixtureLayout } from './dwarf-fixture.js';

const debian = ['USE_TCP', 'PKG_MALLOC', 'Q_MALLOC', 'F_MALLOC', 'TLSF_MALLOC', 'DBG_SR_MEMORY'];
const nodebug = ['USE_TCP', 'PKG_MALLOC', 'Q_MALLOC', 'F_MALLOC', 'TLSF_MALLOC'];

function release(version: string | undefined, flags: string[]): KamailioRelease {
  return { version, numbers: versionNumbers(version), full: version && `kamailio ${version} (x86_64/linux)`, flags };
}

describe('chooseLayout from the built-in profiles', () => {
  it.each<[string, string[], AllocatorName, string]>([
    ['5.6.3', debian, 'q_malloc', 'q_malloc/dbg/x86_64'],
    ['5.7.6', debian, 'f_malloc', 'f_malloc/dbg/x86_64'],
    ['5.8.0', debian, 'q_malloc', 'q_malloc/dbg/x86_64/since_5_8'],
    ['6.0.1', debian, 'f_malloc', 'f_malloc/dbg/x86_64/since_5_8'],
    ['6.0.1', debian, 'tlsf_malloc', 'tlsf_malloc/dbg/x86_64'],
    ['5.4.4', nodebug, 'q_malloc', 'q_malloc/nodbg/x86_64'],
    ['6.0.1', nodebug, 'f_malloc', 'f_malloc/nodbg/x86_64/since_5_8'],
    ['6.0.1', [...nodebug, 'DBG_QM_MALLOC'], 'q_malloc', 'q_malloc/dbg/x86_64/since_5_8'],
    ['6.0.1', [...nodebug, 'DBG_QM_MALLOC'], 'tlsf_malloc', 'tlsf_malloc/nodbg/x86_64'],
  ])('kamailio %s %j, %s: %s', (version, flags, allocator, id) => {
    expect(chooseLayout({}, allocator, release(version, flags)).id).toBe(id);
  });

  it.each<[string | undefined, string[], RegExp]>([
    [undefined, debian, /^unknown layout for kamailio of unknown version, q_malloc, no debug info for its structs: kamheap's built-in layouts are for Kamailio 5\.0 and later/],
    ['4.4.7', debian, /^unknown layout for kamailio 4\.4\.7, q_malloc/],
    ['6.0.1', [], /^unknown layout for kamailio 6\.0\.1, q_malloc, no debug info for its structs: the executable names no compile flags/],
  ])('refuses kamailio %s %j (exit 13)', (version, flags, message) => {
    expect(() => chooseLayout({}, 'q_malloc', release(version, flags))).toThrow(expect.objectContaining({ kind: 'heap-not-found', message: expect.stringMatching(message) as unknown }) as unknown as Error);
  });

  it('takes the DWARF layout over any profile', async () => {
    const dwarf = await fixtureLayout('kamailio-6.0.1-dwarf', 'q_malloc');
    expect(chooseLayout({ q_malloc: dwarf }, 'q_malloc', release('6.0.1', nodebug))).toBe(dwarf);
  });
});

describe('eraOf', () => {
  it.each<[string | undefined, string | undefined]>([
    ['5.0.0', '5.0'],
    ['5.7.99', '5.0'],
    ['5.8.0', '5.8'],
    ['6.0.1', '5.8'],
    ['4.4.7', undefined],
    [undefined, undefined],
  ])('%j: %j', (version, era) => {
    expect(eraOf(versionNumbers(version))).toBe(era);
  });
});
