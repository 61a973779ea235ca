// Allocator layouts as data: where a block header keeps its totals and how a fragment is laid out.
// A walker only reads these numbers; adding an allocator or a build means adding a layout, not code.

export type AllocatorName = 'q_malloc' | 'f_malloc' | 'tlsf_malloc';
export type LayoutSource = 'dwarf' | 'profile';

/** Offsets inside the memory API struct (`sr_pkg_api_t` / `sr_shm_api_t`, src/core/mem/memapi.h). */
export interface ApiLayout {
  mname: number;
  memBlock: number;
}

/** Offsets of the heap totals and walk bounds inside the allocator's block header. */
export interface BlockLayout {
  size: number;
  used: number;
  realUsed: number;
  maxRealUsed: number;
  firstFrag: number;
  /** Address the walk stops at (q_malloc: `last_frag_end`). */
  walkEnd: number;
}

/** A check word and the value a healthy fragment keeps in it. */
export interface CheckPattern {
  name: string;
  /** Offset from the fragment header, or from the trailer when `inTrailer`. */
  offset: number;
  inTrailer: boolean;
  value: bigint;
}

/** Per-fragment layout. All offsets are bytes from the start of the fragment header. */
export interface FragmentLayout {
  headerSize: number;
  trailerSize: number;
  size: number;
  /** Word that is non-zero when the fragment is free (q_malloc: `u.is_free`). */
  isFree: number;
  /** Debug fields (DBG_SR_MEMORY); undefined in builds without them. */
  debug?: { file: number; func: number; mname: number; line: number };
  checks: CheckPattern[];
  /** Fragment sizes are multiples of this (ROUNDTO). */
  roundTo: number;
}

export interface HeapLayout {
  /** Profile or DWARF identity shown to the user, e.g. "q_malloc/dbg/x86_64". */
  id: string;
  allocator: AllocatorName;
  source: LayoutSource;
  api: ApiLayout;
  block: BlockLayout;
  fragment: FragmentLayout;
}

/** The pointer Kamailio's allocator hands out (and prints as `address=`) for a fragment. */
export function userAddress(layout: Pick<FragmentLayout, 'headerSize'>, fragment: bigint): bigint {
  return fragment + BigInt(layout.headerSize);
}
