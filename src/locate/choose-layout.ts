// Picks the layout for an allocator: DWARF when the binary carries the types, else a built-in profile.
import { KamheapError } from '../errors.js';
import type { GdbSession } from '../gdb/gdb-session.js';
import type { AllocatorName, HeapLayout } from '../heap/layout.js';
import { profileFor } from '../heap/layout-profiles.js';
import { dwarfLayout } from './dwarf-layout.js';

/** DWARF first (exact for this very build), then the profile; an error if kamheap has neither. */
export async function chooseLayout(gdb: GdbSession, allocator: AllocatorName, timeoutMs: number): Promise<HeapLayout> {
  const fromDwarf = await dwarfLayout(gdb, allocator, timeoutMs);
  if (fromDwarf) return fromDwarf;
  const profile = profileFor(allocator);
  if (profile) return profile;
  throw new KamheapError('heap-not-found', `no layout for ${allocator} in a binary without debug info (not supported yet)`);
}
