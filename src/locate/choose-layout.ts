// Picks the layout for an allocator: DWARF when the binary carries the types, else a built-in profile.
import { KamheapError } from '../errors.js';
import type { GdbSession } from '../gdb/gdb-session.js';
import type { AllocatorName, HeapLayout } from '../heap/layout.js';
import { profileFor } from '../heap/layout-profiles.js';
import { dwarfLayout } from './dwarf-layout.js';

export type DwarfLayouts = Partial<Record<AllocatorName, HeapLayout>>;

const allocators: readonly AllocatorName[] = ['q_malloc', 'f_malloc', 'tlsf_malloc'];

/** Every allocator's layout the executable's DWARF describes; needs no process, so it runs before the attach. */
export async function readDwarfLayouts(gdb: GdbSession, timeoutMs: number): Promise<DwarfLayouts> {
  const layouts: DwarfLayouts = {};
  for (const allocator of allocators) {
    const layout = await dwarfLayout(gdb, allocator, timeoutMs);
    if (layout) layouts[allocator] = layout;
  }
  return layouts;
}

/** DWARF first (exact for this very build), then the profile; an error if kamheap has neither. */
export function chooseLayout(dwarf: DwarfLayouts, allocator: AllocatorName): HeapLayout {
  const layout = dwarf[allocator] ?? profileFor(allocator);
  if (layout) return layout;
  throw new KamheapError('heap-not-found', `no layout for ${allocator} in a binary without debug info (not supported yet)`);
}
