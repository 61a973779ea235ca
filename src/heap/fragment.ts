// What a walk yields: fragments as read off the heap, and the problems found on the way.
// Inside the walk, addresses and sizes are plain numbers: x86-64 user-space addresses stay below
// 2^47, so they are exact in a double, and BigInt arithmetic per fragment cost several times the
// whole walk. They become bigint where they leave the walker.

/** One fragment, with its debug-field pointers still unresolved. */
export interface RawFragment {
  index: number;
  /** Address of the fragment header. */
  frag: number;
  size: number;
  free: boolean;
  filePtr: number;
  funcPtr: number;
  mnamePtr: number;
  line: number;
}

export type FindingKind = 'check-pattern' | 'size-out-of-bounds' | 'size-misaligned' | 'read-error' | 'walk-error';

/** A problem that ended (or marks) the walk; `address` is the fragment header's address. */
export interface Finding {
  kind: FindingKind;
  index: number;
  address: bigint;
  message: string;
}

export interface WalkRange {
  from: number;
  /** Exclusive; undefined walks to the end of the heap. */
  to: number | undefined;
}

/** A place a live walk could not read the same way twice: memory in motion, not a broken heap. */
export interface UnsettledPlace {
  index: number;
  address: bigint;
  message: string;
}

export interface WalkResult {
  findings: Finding[];
  /** True when the requested range was walked to its end without a broken or unsettled fragment. */
  complete: boolean;
  /** Fragments stepped over, from index 0 (including those before `from`). */
  stepped: number;
  /** Fragments handed to the visitor: those of [from, to). */
  visited: number;
  /** Live walks: places re-read because a fragment was torn by an allocation in flight. */
  rereads: number;
  /** Live walks: where re-reading did not settle and the walk stopped. */
  unsettled: UnsettledPlace[];
}
