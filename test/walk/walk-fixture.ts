// The walk scripts' real output (test/fixtures/walk/*.out) and Kamailio's own qm_status dump of the
// same moment (shm-dump.json), with the expectations derived from that dump.
import { readFileSync } from 'node:fs';
import type { SiteRecord } from '../../src/heap/heap-nouns.js';
import { sortSites } from '../../src/snapshot/summarize.js';

export const WALKS = ['shm-walk-full.out', 'shm-walk-from5-to20.out', 'shm-walk-from300.out'] as const;
export type WalkFixture = (typeof WALKS)[number];

import type { DumpedFragment } from '../heap/heap-fixture.js';

export type { DumpedFragment };

interface DumpSidecar {
  walkedPid: number;
  block: string;
  heap: { size: number; used: number; realUsed: number; maxRealUsed: number; free: number };
  fragments: DumpedFragment[];
}

const dir = new URL('../fixtures/walk/', import.meta.url);

/** The dump sidecar. */
export const dump = JSON.parse(readFileSync(new URL('shm-dump.json', dir), 'utf8')) as DumpSidecar;

/** A walk output fixture's text, unedited. */
export function walkText(name: WalkFixture): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

/** The dumped fragments in the shape a parsed walk yields (module: the prefix Kamailio puts on file). */
export function expectedFragments(from = 0, to?: number): Array<{ index: number; frag: bigint; size: bigint; free: boolean; module: string; file: string; function: string; line: number }> {
  return dump.fragments.slice(from, to).map((f) => ({
    index: f.index,
    frag: BigInt(f.frag),
    size: BigInt(f.size),
    free: f.free,
    module: f.file.slice(0, f.file.indexOf(':')),
    file: f.file,
    function: f.func,
    line: f.line,
  }));
}

/** Per-site sums of the dump's used fragments, as qm_sums would group them, in kamheap's order. */
export function expectedSites(from = 0, to?: number): SiteRecord[] {
  const sites = new Map<string, SiteRecord>();
  for (const f of expectedFragments(from, to)) {
    if (f.free) continue;
    const key = [f.file, f.function, f.line].join('|');
    const site = sites.get(key) ?? { module: f.module, file: f.file, function: f.function, line: f.line, count: 0, bytes: 0 };
    site.count++;
    site.bytes += Number(f.size);
    sites.set(key, site);
  }
  return sortSites([...sites.values()]);
}

/** The text with the lines matching `drop` removed. */
export function withoutLines(text: string, drop: RegExp): string {
  return text
    .split('\n')
    .filter((line) => !drop.test(line))
    .join('\n');
}
