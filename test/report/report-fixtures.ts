// The report's real fixtures (test/fixtures/report/, captured from Kamailio 5.6.3 by capture.ts), read
// through the product's own snapshot reader.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FragmentRecord } from '../../src/snapshot/snapshot.js';

/** A fixture's path. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** The fragment records of an NDJSON snapshot fixture (every line after the first). */
export function ndjsonFragments(name: string): FragmentRecord[] {
  return readFileSync(fixture(name), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FragmentRecord);
}
