// Loads the captured gdb --interpreter=mi3 transcripts in test/fixtures/mi (one MI line per line).
import { readFileSync } from 'node:fs';

/** Whole sessions (every kind of record); the symbol-info ones hold single answers. */
export const FIXTURES = ['attach-session.mi', 'async-session.mi'] as const;
export type Fixture = (typeof FIXTURES)[number] | 'symbol-info-dwarf.mi' | 'symbol-info-stripped.mi';

/** All lines of a fixture, without the final empty line. */
export function fixtureLines(name: Fixture): string[] {
  const text = readFileSync(new URL(`../fixtures/mi/${name}`, import.meta.url), 'utf8');
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}

/** The first line of a fixture starting with `prefix` (fails loudly if there is none). */
export function fixtureLine(name: Fixture, prefix: string): string {
  const hit = fixtureLines(name).find((l) => l.startsWith(prefix));
  if (hit === undefined) throw new Error(`${name}: no line starts with ${JSON.stringify(prefix)}`);
  return hit;
}
