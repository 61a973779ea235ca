// The captured first 64 KiB of a real shm heap (test/fixtures/heap/capture.md) and a MemoryView
// serving it at the addresses it was read from.
import { readFileSync } from 'node:fs';
import { MemoryReadError } from '../../src/errors.js';
import { sliceOf, type MemorySlice, type MemoryView } from '../../src/heap/walk-fragments.js';

/** One fragment as Kamailio's own qm_status dump listed it. */
export interface DumpedFragment {
  index: number;
  address: string;
  frag: string;
  size: number;
  free: boolean;
  file: string;
  func: string;
  line: number;
}

interface HeapSidecar {
  base: string;
  length: number;
  firstFrag: string;
  lastFragEnd: string;
  heapEnd: string;
  fixtureEnd: string;
  cutOff: DumpedFragment;
  fragments: DumpedFragment[];
}

const dir = new URL('../fixtures/heap/', import.meta.url);
const sidecar = JSON.parse(readFileSync(new URL('shm-first-64k.json', dir), 'utf8')) as HeapSidecar;

/** The heap bytes [base, base + length); copy before corrupting. */
export const heapBytes: Buffer = readFileSync(new URL('shm-first-64k.bin', dir));

/** Addresses of the capture, as bigint. */
export const heap = {
  base: BigInt(sidecar.base),
  firstFrag: BigInt(sidecar.firstFrag),
  lastFragEnd: BigInt(sidecar.lastFragEnd),
  heapEnd: BigInt(sidecar.heapEnd),
  fixtureEnd: BigInt(sidecar.fixtureEnd),
  length: sidecar.length,
};

/** The fragments lying wholly inside the bytes, and the first one that does not. */
export const dumped = { fragments: sidecar.fragments, cutOff: sidecar.cutOff };

/** A MemoryView over `bytes` at `heap.base`; reads outside it throw MemoryReadError. */
export function bufferView(bytes: Buffer, mode: 'sync' | 'async' = 'sync'): MemoryView & { reads: number } {
  const base = Number(heap.base);
  const view = {
    reads: 0,
    slice(address: number, length: number): MemorySlice | Promise<MemorySlice> {
      view.reads++;
      const offset = address - base;
      if (offset < 0 || offset + length > bytes.length) {
        const error = new MemoryReadError(BigInt(address), length);
        return mode === 'sync' ? fail(error) : Promise.reject(error);
      }
      return mode === 'sync' ? sliceOf(bytes, offset) : Promise.resolve(sliceOf(bytes, offset));
    },
  };
  return view;
}

// Throws from an expression position.
function fail(error: Error): never {
  throw error;
}

/** Byte offset of a fragment header inside the fixture. */
export function offsetOf(fragment: DumpedFragment): number {
  return Number(BigInt(fragment.frag) - heap.base);
}
