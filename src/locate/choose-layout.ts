// Picks the layout for an allocator: DWARF when the binary carries the types, else a built-in profile.
import { KamheapError } from '../errors.js';
import type { SymbolSource } from '../debugger/debugger.js';
import type { AllocatorName, HeapLayout } from '../heap/layout.js';
import { eraOf, profileFor, profileTable } from '../heap/layout-profiles.js';
import { releaseName, type KamailioRelease } from './kamailio-release.js';
import { dwarfLayout } from './dwarf-layout.js';

export type DwarfLayouts = Partial<Record<AllocatorName, HeapLayout>>;

const allocators: readonly AllocatorName[] = ['q_malloc', 'f_malloc', 'tlsf_malloc'];

/** Every allocator's layout the executable's DWARF describes; needs no process, so it runs before the attach. */
export async function readDwarfLayouts(gdb: SymbolSource, release: KamailioRelease, timeoutMs: number): Promise<DwarfLayouts> {
  const layouts: DwarfLayouts = {};
  const era = eraOf(release.numbers);
  for (const allocator of allocators) {
    const layout = await dwarfLayout(gdb, allocator, era, timeoutMs);
    if (layout) layouts[allocator] = layout;
  }
  return layouts;
}

/** The compile flags that put the debug fields into every fragment of `allocator`. */
const debugFlags: Record<AllocatorName, readonly string[]> = {
  q_malloc: ['DBG_SR_MEMORY', 'DBG_QM_MALLOC'],
  f_malloc: ['DBG_SR_MEMORY', 'DBG_F_MALLOC'],
  tlsf_malloc: ['DBG_SR_MEMORY', 'DBG_TLSF_MALLOC'],
};

/** Why a heap is read with `layout`, in one line (for `info`). */
export function layoutReason(layout: HeapLayout, release: KamailioRelease): string {
  if (layout.source === 'dwarf') return "the executable's own DWARF (in the file, or its separate debug info found by build-id or debuglink)";
  const entry = profileTable.find((p) => p.layout === layout);
  const releases = entry?.eras.map((era) => (era === '5.8' ? '5.8 and later' : '5.0 to 5.7')).join(', ') ?? 'Kamailio 5.x';
  const fields = entry?.debug ? 'with the debug fields' : 'without the debug fields';
  return `no DWARF: the built-in profile for ${releases} ${fields} (${releaseName(release)}, compile flags), which fits this heap's header and first fragments`;
}

/**
 * DWARF first (exact for this very build), then the built-in profile for the release's era and
 * debug fields (from its compile flags); an error if kamheap has neither. A profile still has to
 * fit the heap (layout-fit.ts) before a walk trusts it.
 */
export function chooseLayout(dwarf: DwarfLayouts, allocator: AllocatorName, release: KamailioRelease): HeapLayout {
  const exact = dwarf[allocator];
  if (exact) return exact;
  const era = eraOf(release.numbers);
  const why = `${releaseName(release)}, ${allocator}, no debug info for its structs`;
  if (!era) throw new KamheapError('heap-not-found', `unknown layout for ${why}: kamheap's built-in layouts are for Kamailio 5.0 and later; install the build's debug symbols`);
  if (release.flags.length === 0) throw new KamheapError('heap-not-found', `unknown layout for ${why}: the executable names no compile flags to tell whether its fragments carry debug fields`);
  const debug = debugFlags[allocator].some((flag) => release.flags.includes(flag));
  const profile = profileFor(allocator, era, debug);
  if (profile) return profile;
  throw new KamheapError('heap-not-found', `unknown layout for ${why}: no built-in profile`);
}
