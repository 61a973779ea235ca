// The nouns every layer shares: which heap, which walker, an allocation site, counts and bytes,
// a heap's header totals. They live here, below locate, walk and snapshot, so none of those needs
// another's module for a type.

export type HeapKind = 'pkg' | 'shm';

export type WalkerName = 'bulk' | 'script';

/** One allocation site: every used fragment allocated from the same module, file, function and line. */
export interface SiteRecord {
  module: string;
  file: string;
  function: string;
  line: number;
  /** Builds without debug fields only: the power-of-two size class, e.g. "65-128". */
  sizeClass?: string;
  count: number;
  bytes: number;
}

export interface CountBytes {
  count: number;
  bytes: number;
}

export interface FreeTotals extends CountBytes {
  largest: number;
}

export interface HeapHeader {
  kind: HeapKind;
  block: bigint;
  size: bigint;
  used: bigint;
  realUsed: bigint;
  maxRealUsed: bigint;
  firstFrag: bigint;
  walkEnd: bigint;
}

/** A fragment whose debug fields are text (empty strings when the build has none). */
export interface ResolvedFragment {
  index: number;
  frag: bigint;
  size: bigint;
  free: boolean;
  module: string;
  file: string;
  function: string;
  line: number;
}
