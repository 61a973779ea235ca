// What a walk yields: fragments as read off the heap, and the problems found on the way.

/** One fragment, with its debug-field pointers still unresolved. */
export interface RawFragment {
  index: number;
  /** Address of the fragment header. */
  frag: bigint;
  size: bigint;
  free: boolean;
  filePtr: bigint;
  funcPtr: bigint;
  mnamePtr: bigint;
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

export interface WalkResult {
  fragments: RawFragment[];
  findings: Finding[];
  /** True when the requested range was walked to its end without a broken fragment. */
  complete: boolean;
  /** Fragments stepped over, from index 0 (including those before `from`). */
  stepped: number;
}
