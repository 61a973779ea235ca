// The header captures of f_malloc and TLSF pkg heaps (test/fixtures/heap/capture.md): every byte a
// walk reads, served at the addresses it was read from, and Kamailio's own dump of the same heap.
import { readFileSync } from 'node:fs';
import { MemoryReadError } from '../../src/errors.js';
import { siteText } from '../../src/snapshot/site-tally.js';
import type { RawFragment } from '../../src/heap/fragment.js';
import type { HeapLayout } from '../../src/heap/layout.js';
import { fmallocDebugX64, tlsfDebugX64 } from '../../src/heap/layout-profiles.js';
import { sliceOf, type MemorySlice, type MemoryView } from '../../src/heap/walk-fragments.js';
import type { RawMemory } from '../../src/memory/proc-mem.js';
import type { ResolvedFragment } from '../../src/heap/heap-nouns.js';
import { parseKamailioDump, type KamailioDump } from './kamailio-dump.js';

export { siteTotals, type KamailioDump } from './kamailio-dump.js';

export const HEADER_FIXTURES = ['fm-pkg-timer', 'tlsf-pkg-timer'] as const;
export type HeaderFixtureName = (typeof HEADER_FIXTURES)[number];

interface Sidecar {
  pid: number;
  block: string;
  firstFrag: string;
  walkEnd: string;
  segments: Array<[string, number]>;
  strings: Record<string, string | null>;
}

export interface HeaderFixture {
  name: HeaderFixtureName;
  layout: HeapLayout;
  pid: number;
  block: bigint;
  firstFrag: bigint;
  walkEnd: bigint;
  segments: Array<{ address: number; bytes: Buffer }>;
  strings: Map<number, string | undefined>;
  dump: KamailioDump;
}

const dir = new URL('../fixtures/heap/', import.meta.url);

/** Loads one capture; the segments are views into one shared buffer (copy before corrupting). */
export function loadHeaderFixture(name: HeaderFixtureName): HeaderFixture {
  const sidecar = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Sidecar;
  const bin = readFileSync(new URL(`${name}.bin`, dir));
  let at = 0;
  const segments = sidecar.segments.map(([address, length]) => {
    const bytes = bin.subarray(at, at + length);
    at += length;
    return { address: Number(address), bytes };
  });
  if (at !== bin.length) throw new Error(`${name}.bin has ${bin.length} bytes, the segments ${at}`);
  return {
    name,
    layout: name === 'fm-pkg-timer' ? fmallocDebugX64 : tlsfDebugX64,
    pid: sidecar.pid,
    block: BigInt(sidecar.block),
    firstFrag: BigInt(sidecar.firstFrag),
    walkEnd: BigInt(sidecar.walkEnd),
    segments,
    strings: new Map(Object.entries(sidecar.strings).map(([p, t]) => [Number(p), t ?? undefined])),
    dump: parseKamailioDump(readFileSync(new URL(`${name}-dump.txt`, dir), 'latin1')),
  };
}

/** A MemoryView over the segments; a read that is not inside one segment throws MemoryReadError. */
export function segmentView(segments: HeaderFixture['segments']): MemoryView & { reads: number } {
  const view = {
    reads: 0,
    slice(address: number, length: number): MemorySlice {
      view.reads++;
      const segment = segments.find((s) => address >= s.address && address + length <= s.address + s.bytes.length);
      if (!segment) throw new MemoryReadError(BigInt(address), length);
      return sliceOf(segment.bytes, address - segment.address);
    },
  };
  return view;
}

/** A RawMemory that reads the segments and zeros between them (the bytes a walk never looks at). */
export function segmentMemory(segments: HeaderFixture['segments']): RawMemory & { reads: number } {
  const memory = {
    reads: 0,
    read(address: bigint, length: number): Buffer {
      memory.reads++;
      const start = Number(address);
      const out = Buffer.alloc(length);
      for (const s of segments) {
        const from = Math.max(start, s.address);
        const to = Math.min(start + length, s.address + s.bytes.length);
        if (from < to) s.bytes.copy(out, from - start, from - s.address, to - s.address);
      }
      return out;
    },
    close: () => undefined,
  };
  return memory;
}

/** The fragments with their strings, as the bulk walker resolves them. */
export function resolve(fixture: HeaderFixture, raw: RawFragment[]): ResolvedFragment[] {
  const text = (pointer: number): string => fixture.strings.get(pointer) ?? '';
  return raw.map((f) => ({ index: f.index, frag: BigInt(f.frag), size: BigInt(f.size), free: f.free, ...siteText(f, text) }));
}
