// The walk itself, allocator-agnostic: step from the first fragment to the walk end (the rule of
// fragment-step.ts), validate every header before trusting it, and hand each fragment of the
// requested range to a visitor as it is stepped. Nothing here grows with the heap: the visitor
// sums or writes, and the memory behind the walk may be dropped as it goes.
//
// On a running process (a live shm walk) a fragment can be torn by an allocation in flight: the
// size read is the new one and the next header is not written yet, or the other way round. With a
// settle policy, the walk then forgets the bytes around the failure, waits a moment, and re-walks
// from a few fragments back (they were held, not yet visited, so nothing is counted twice). A
// failure that reads the same on every try is a real corruption finding; one that keeps changing
// is reported as unsettled, never as corruption.
// This loop also runs while a target is stopped, so it avoids BigInt and allocations it can skip.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Finding, FindingKind, RawFragment, UnsettledPlace, WalkRange, WalkResult } from './fragment.js';
import { flagSet, heapEndOf, readField, readSize, readWord, stepOver, viewOf } from './fragment-step.js';
import type { CheckPattern, FragmentLayout } from './layout.js';
import type { RunControl } from '../run-control.js';

/** A view of target memory: `offset` in `buffer` (and `view`, over the same bytes) holds the byte at the requested address. */
export interface MemorySlice {
  buffer: Buffer;
  view: DataView;
  offset: number;
}

/** A chunk of memory the walk can read many fragments from without asking again. */
export interface MemoryChunk {
  view: DataView;
  /** Addresses [start, end) it holds. */
  start: number;
  end: number;
}

/** Random access to target memory; implementations batch reads into large chunks. */
export interface MemoryView {
  /** At least `length` bytes at `address` (a number: see fragment.ts), or throws MemoryReadError. */
  slice(address: number, length: number): MemorySlice | Promise<MemorySlice>;
  /** The walk will not come back below `address`: the bytes there may be dropped. */
  release?(below: number): void;
  /** Live memory: forget what was read of [from, to), so that the next slice reads it again. */
  forget?(from: number, to: number): void;
  /** The chunk already read that holds [address, address+length), if the view reads in chunks. */
  chunkAt?(address: number, length: number): MemoryChunk | undefined;
}

export interface WalkBounds {
  firstFrag: bigint;
  /** See BlockLayout.walkEnd: the walk ends exactly at walkEnd + the trailer size. */
  walkEnd: bigint;
}

/** How a walk of a running process settles a torn read. */
export interface SettlePolicy {
  /** Re-reads of one torn place before the walk gives up on it. */
  attempts: number;
  /** How long to wait before re-read `attempt` (1-based), in ms: an allocation in flight finishes meanwhile. */
  waitMs(attempt: number): number;
}

/** Re-reads with a doubling wait (1, 2, 4 ... 32 ms: 63 ms in all), for a running process. */
export const liveSettle: SettlePolicy = { attempts: 6, waitMs: (attempt) => 2 ** (attempt - 1) };

export interface WalkHooks {
  /** Fragments stepped so far, every few thousand. */
  onProgress?: (stepped: number) => void;
  /** Checked every few thousand fragments: a walk of millions stops at once on a signal or --timeout. */
  control?: RunControl;
  /** Only for memory that changes under the walk (a running process); needs a view that can forget. */
  settle?: SettlePolicy;
}

/** Gets each fragment of the range once, in heap order, when the walk has validated it. */
export type FragmentVisitor = (fragment: RawFragment) => void | Promise<void>;

const progressEvery = 8192;
/** How often the memory behind the walk is let go (a cheap call when nothing is to be dropped). */
const releaseEvery = 64;
/** Fragments held back from the visitor on a live walk: how far a re-walk can go back. */
const holdBack = 64;

/** A problem met at a fragment, and how far into memory the fragment was read. */
interface Problem {
  kind: FindingKind;
  message: string;
  reach: number;
}

/** Walks fragments from bounds.firstFrag to the walk end, visiting those with indices in `range`. */
export async function walkHeap(
  memory: MemoryView,
  layout: FragmentLayout,
  bounds: WalkBounds,
  range: WalkRange,
  visit: FragmentVisitor,
  hooks: WalkHooks = {},
): Promise<WalkResult> {
  const { onProgress, control } = hooks;
  const settle = memory.forget ? hooks.settle : undefined;
  const findings: Finding[] = [];
  const unsettled: UnsettledPlace[] = [];
  const { headerSize, prevFree } = layout;
  const trailerOffset = layout.trailer?.offset ?? 0;
  const trailerSize = layout.trailer?.size ?? 0;
  const walkEnd = Number(bounds.walkEnd);
  const heapEnd = heapEndOf(walkEnd, layout);
  const to = range.to ?? Number.POSITIVE_INFINITY;
  const checks = layout.checks.map((check) => ({ ...check, expected: Number(check.value) }));
  const held = new HeldFragments(settle ? holdBack : 0);
  let address = Number(bounds.firstFrag);
  let index = 0;
  let previousFree = false;
  let visited = 0;
  // The chunk the walk is in (see MemoryView.chunkAt).
  let chunk: DataView | undefined;
  let chunkStart = 0;
  let chunkEnd = 0;
  let rereads = 0;
  // The torn place being settled: the walk must get past `index` to call it settled.
  let trouble: { index: number; attempts: number; readings: Set<string> } | undefined;

  const hand = async (fragment: RawFragment | undefined): Promise<void> => {
    if (!fragment) return;
    visited++;
    const done = visit(fragment);
    if (done) await done;
  };

  for (;;) {
    let problem: Problem | undefined;
    if (address >= walkEnd || index >= to) {
      if (address === heapEnd || index >= to) break;
      problem = { kind: 'walk-error', message: `walk stopped at ${hexOf(address)}, not at the heap end ${hexOf(heapEnd)}`, reach: address };
    } else {
      try {
        // The chunk in hand serves nearly every header and trailer: no call, no object. Outside
        // it, a slice (which may read, and come back as a promise only then).
        let hv: DataView;
        let ho: number;
        if (chunk !== undefined && address >= chunkStart && address + headerSize <= chunkEnd) {
          hv = chunk;
          ho = address - chunkStart;
        } else {
          const headRead = memory.slice(address, headerSize);
          const head = headRead instanceof Promise ? await headRead : headRead;
          hv = head.view;
          ho = head.offset;
          const inHand = memory.chunkAt?.(address, headerSize);
          if (inHand) ({ view: chunk, start: chunkStart, end: chunkEnd } = inHand);
        }
        const size = readSize(hv, ho, layout);
        const next = stepOver(address, size, layout, heapEnd);
        if (next === 'size-out-of-bounds') {
          problem = { kind: next, message: `fragment size ${size} at ${hexOf(address)} runs past the heap end ${hexOf(heapEnd)}`, reach: address + headerSize };
        } else if (next === 'size-misaligned') {
          problem = { kind: next, message: `fragment size ${size} is not a multiple of ${layout.roundTo}`, reach: address + headerSize };
        } else {
          let tv = hv;
          let tailOffset = ho;
          if (trailerSize > 0) {
            const at = address + trailerOffset + size;
            if (chunk !== undefined && at >= chunkStart && at + trailerSize <= chunkEnd) {
              tv = chunk;
              tailOffset = at - chunkStart;
            } else {
              const tailRead = memory.slice(at, trailerSize);
              const tail = tailRead instanceof Promise ? await tailRead : tailRead;
              tv = tail.view;
              tailOffset = tail.offset;
            }
          }
          const broken = brokenCheck(checks, hv, ho, tv, tailOffset);
          const free = flagSet(hv, ho, layout.free);
          if (broken) {
            problem = { kind: 'check-pattern', message: broken, reach: next };
          } else if (prevFree && flagSet(hv, ho, prevFree) !== previousFree) {
            const message = `prev-free flag is ${previousFree ? 'clear' : 'set'} but the previous fragment is ${previousFree ? 'free' : 'used'}`;
            problem = { kind: 'check-pattern', message, reach: address + headerSize };
          } else {
            const fragment = index >= range.from ? toRawFragment(layout, index, address, size, free, hv, ho) : undefined;
            if (held.capacity === 0) await hand(fragment);
            else await hand(held.push(index, address, previousFree, fragment));
            previousFree = free;
            address = next;
            index++;
            if (trouble && index > trouble.index) trouble = undefined;
            if (index % releaseEvery === 0) memory.release?.(held.oldestAddress ?? address);
            if (index % progressEvery === 0) {
              onProgress?.(index);
              await control?.checkpoint();
            }
            continue;
          }
        }
      } catch (error) {
        problem = { kind: 'read-error', message: error instanceof Error ? error.message : String(error), reach: address + headerSize };
      }
    }
    if (settle && memory.forget) {
      trouble ??= { index, attempts: 0, readings: new Set() };
      trouble.readings.add(`${index} ${address} ${problem.kind} ${problem.message}`);
      if (trouble.attempts < settle.attempts) {
        trouble.attempts++;
        rereads++;
        // Back 1, 4, 16, 64 fragments: a stale size may have been stepped a little earlier.
        const restart: Pick<HeldFragment, 'index' | 'address' | 'previousFree'> = held.rewind(4 ** (trouble.attempts - 1)) ?? { index, address, previousFree };
        memory.forget(restart.address, Math.max(problem.reach, address + headerSize));
        chunk = undefined;
        await sleep(settle.waitMs(trouble.attempts));
        ({ index, address, previousFree } = restart);
        continue;
      }
      if (trouble.readings.size > 1) {
        // Read differently each time: memory in motion, not a broken heap.
        unsettled.push({ index, address: BigInt(address), message: problem.message });
        break;
      }
    }
    findings.push({ kind: problem.kind, index, address: BigInt(address), message: problem.message });
    break;
  }
  for (const fragment of held.drain()) await hand(fragment);
  onProgress?.(index);
  const complete = findings.length === 0 && unsettled.length === 0;
  return { findings, complete, stepped: index, visited, rereads, unsettled };
}

/** A walk that keeps its fragments: for small walks (tests, the layout fit check). */
export async function walkFragments(
  memory: MemoryView,
  layout: FragmentLayout,
  bounds: WalkBounds,
  range: WalkRange,
  hooks: WalkHooks = {},
): Promise<WalkResult & { fragments: RawFragment[] }> {
  const fragments: RawFragment[] = [];
  const result = await walkHeap(memory, layout, bounds, range, (f) => void fragments.push(f), hooks);
  return { ...result, fragments };
}

/** A validated fragment held back from the visitor, with what a re-walk from it needs. */
interface HeldFragment {
  index: number;
  address: number;
  /** Whether the fragment before it was free (for the prev-free check of a re-walk). */
  previousFree: boolean;
  /** Undefined before the range's `from`. */
  fragment: RawFragment | undefined;
}

/** The last few validated fragments, oldest first, in a ring (parallel arrays: no object per fragment). */
class HeldFragments {
  private readonly indexes: Float64Array;
  private readonly addresses: Float64Array;
  private readonly previousFree: Uint8Array;
  private readonly fragments: Array<RawFragment | undefined>;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.indexes = new Float64Array(capacity);
    this.addresses = new Float64Array(capacity);
    this.previousFree = new Uint8Array(capacity);
    this.fragments = new Array<RawFragment | undefined>(capacity).fill(undefined);
  }

  /** Holds a fragment; returns the one that falls out of the ring to be visited. */
  push(index: number, address: number, previousFree: boolean, fragment: RawFragment | undefined): RawFragment | undefined {
    let slot: number;
    let out: RawFragment | undefined;
    if (this.size < this.capacity) {
      slot = (this.start + this.size++) % this.capacity;
    } else {
      slot = this.start;
      out = this.fragments[slot];
      this.start = (this.start + 1) % this.capacity;
    }
    this.indexes[slot] = index;
    this.addresses[slot] = address;
    this.previousFree[slot] = previousFree ? 1 : 0;
    this.fragments[slot] = fragment;
    return out;
  }

  get oldestAddress(): number | undefined {
    return this.size === 0 ? undefined : this.addresses[this.start];
  }

  /** Drops the newest `n` (or all held) and returns the oldest dropped: where a re-walk starts. */
  rewind(n: number): HeldFragment | undefined {
    const count = Math.min(n, this.size);
    if (count === 0) return undefined;
    this.size -= count;
    const slot = (this.start + this.size) % this.capacity;
    return { index: this.indexes[slot] ?? 0, address: this.addresses[slot] ?? 0, previousFree: this.previousFree[slot] === 1, fragment: this.fragments[slot] };
  }

  /** The fragments held, oldest first; empties the ring. */
  *drain(): Generator<RawFragment | undefined> {
    while (this.size > 0) {
      const fragment = this.fragments[this.start];
      this.fragments[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.size--;
      yield fragment;
    }
  }
}

/** Describes the first check word that lost its pattern, if any. */
function brokenCheck(checks: ReadonlyArray<CheckPattern & { expected: number }>, hv: DataView, ho: number, tv: DataView, tailOffset: number): string | undefined {
  for (const check of checks) {
    const view = check.inTrailer ? tv : hv;
    const base = check.inTrailer ? tailOffset : ho;
    if (readField(view, base, check) !== check.expected) {
      const offset = base + check.offset;
      const actual = check.width === 4 ? BigInt(view.getUint32(offset, true)) : view.getBigUint64(offset, true);
      return `${check.inTrailer ? 'end' : 'start'} check ${check.name}=0x${actual.toString(16)}, expected 0x${check.value.toString(16)}`;
    }
  }
  return undefined;
}

/** Reads the fields a summary needs from a validated header. */
function toRawFragment(layout: FragmentLayout, index: number, frag: number, size: number, free: boolean, view: DataView, offset: number): RawFragment {
  const debug = layout.debug;
  return {
    index,
    frag,
    size,
    free,
    filePtr: debug ? readWord(view, offset + debug.file) : 0,
    funcPtr: debug ? readWord(view, offset + debug.func) : 0,
    mnamePtr: debug?.mname !== undefined && (debug.mnameInFree || !free) ? readWord(view, offset + debug.mname) : 0,
    line: debug ? readField(view, offset, debug.line) : 0,
  };
}

/** A slice over `buffer` from `offset`, for views that hold plain buffers. */
export function sliceOf(buffer: Buffer, offset: number): MemorySlice {
  return { buffer, view: viewOf(buffer), offset };
}

function hexOf(address: number): string {
  return `0x${address.toString(16)}`;
}
