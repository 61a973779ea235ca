// gdb's recorded answers to the DWARF recipes' questions (test/fixtures/dwarf/, captured by
// capture-dwarf.mjs from the testbed's source builds and from Kamailio 4.x's structs).
import { readFileSync } from 'node:fs';
import type { AllocatorName, HeapLayout } from '../../src/heap/layout.js';
import type { LayoutEra } from '../../src/heap/layout-profiles.js';
import { layoutFromDwarf } from '../../src/locate/dwarf-layout.js';

export type DwarfFixture = 'kamailio-5.6.3-dwarf' | 'kamailio-5.6.3-nodebug' | 'kamailio-6.0.1-dwarf' | 'kamailio-6.0.1-nodebug' | 'kamailio-4x-structs';

/** The era each fixture's binary names (the 4.x structs carry no version string). */
const eras: Record<DwarfFixture, LayoutEra | undefined> = {
  'kamailio-5.6.3-dwarf': '5.0',
  'kamailio-5.6.3-nodebug': '5.0',
  'kamailio-6.0.1-dwarf': '5.8',
  'kamailio-6.0.1-nodebug': '5.8',
  'kamailio-4x-structs': undefined,
};

/** The layout kamheap derives from a fixture's answers; a question the capture never saw fails. */
export async function fixtureLayout(name: DwarfFixture, allocator: AllocatorName): Promise<HeapLayout | undefined> {
  const all = JSON.parse(readFileSync(new URL(`../fixtures/dwarf/${name}.json`, import.meta.url), 'utf8')) as Record<string, Record<string, number | null>>;
  const answers = all[allocator] ?? {};
  return layoutFromDwarf(allocator, eras[name], (expression) => {
    if (!(expression in answers)) throw new Error(`${name}: no recorded answer to ${expression} (re-run capture-dwarf.mjs)`);
    return Promise.resolve(answers[expression] ?? undefined);
  });
}
