// Allocator layouts as data: where a block header keeps its totals and walk bounds, and how a
// fragment is laid out, stepped over, told free from used and validated. The walkers only read
// these numbers; adding an allocator or a build means adding a layout, not code.

export type AllocatorName = 'q_malloc' | 'f_malloc' | 'tlsf_malloc';
export type LayoutSource = 'dwarf' | 'profile';

/** Offsets inside the memory API struct (`sr_pkg_api_t` / `sr_shm_api_t`, src/core/mem/memapi.h). */
export interface ApiLayout {
  mname: number;
  memBlock: number;
}

/**
 * An address derived from the block header at `block`:
 * `(fromBlock ? block : 0) + (wordAt === undefined ? 0 : u64 at block + wordAt) + add`.
 * A pointer member is `{ fromBlock: false, wordAt, add: 0 }`; a fixed place after the header is
 * `{ fromBlock: true, add }`; TLSF's sentinel is `block + total_size + constant`.
 */
export interface AddressRule {
  fromBlock: boolean;
  wordAt?: number;
  add: number;
}

/** Offsets of the heap totals (64-bit words) and the walk bounds of the allocator's block header. */
export interface BlockLayout {
  size: number;
  used: number;
  realUsed: number;
  maxRealUsed: number;
  firstFrag: AddressRule;
  /**
   * The walk steps while below this address and must land exactly on it plus the trailer size:
   * q_malloc's `last_frag_end` is the last fragment's trailer, f_malloc's `last_frag` and TLSF's
   * sentinel block are where the last step lands.
   */
  walkEnd: AddressRule;
}

/** An unsigned little-endian field of a fragment header. */
export interface WordField {
  offset: number;
  width: 4 | 8;
}

/** A flag kept in a field: set when any bit of `mask` (a low-32-bit mask; default: any bit of the field) is. */
export interface FlagField extends WordField {
  mask?: number;
}

/** A check word and the value a healthy fragment keeps in it. */
export interface CheckPattern {
  name: string;
  /** Offset from the fragment header, or from the trailer when `inTrailer`. */
  offset: number;
  width: 4 | 8;
  inTrailer: boolean;
  value: bigint;
}

/**
 * Where a fragment keeps its allocation site (pointers to string literals, and the line). A site is
 * read only when file and func are both set; the module only when the layout has an mname (Kamailio
 * 4.x fragments have none: their sites have no module) and it is set too, and, if
 * `mnameInFree` is false, only for used fragments (TLSF's block splits and trims set file, func
 * and line of the free remainder but leave mname as whatever bytes were there).
 */
export interface DebugFields {
  file: number;
  func: number;
  mname?: number;
  line: WordField;
  mnameInFree: boolean;
}

/** Per-fragment layout. Offsets are bytes from the fragment's address (`frag`). */
export interface FragmentLayout {
  /** Bytes read at `frag`: every header field below lies inside them. */
  headerSize: number;
  /** The pointer handed out (Kamailio's `address=`) is `frag + userOffset`. */
  userOffset: number;
  /** Bytes a fragment takes besides its size: the next fragment is at `frag + overhead + size`. */
  overhead: number;
  /** A trailer at `frag + offset + size` (q_malloc's qm_frag_end); absent for f_malloc and TLSF. */
  trailer?: { offset: number; size: number };
  /** The 64-bit size word; `flagBits` are low bits that hold flags, not size (TLSF: 3). */
  size: { offset: number; flagBits: number };
  /** Set when the fragment is free (q_malloc `u.is_free`, f_malloc `is_free`, TLSF bit 0 of size). */
  free: FlagField;
  /** Set when the physically previous fragment is free (TLSF bit 1 of size); checked against the walk. */
  prevFree?: FlagField;
  /** Debug fields (DBG_SR_MEMORY); undefined in builds without them. */
  debug?: DebugFields;
  checks: CheckPattern[];
  /** Fragment sizes are multiples of this (ROUNDTO, TLSF's ALIGN_SIZE). */
  roundTo: number;
}

/**
 * How a build with DWARF names what a layout's numbers point at: C types, members (as gdb spells
 * their paths) and gdb expressions over sizeof. Generated scripts for such builds read the block
 * through these as the wiki's hand-written script does (`((struct qm_block *) $b)->first_frag`),
 * and name each number their loop reads with them (`((struct qm_frag *) $a)->size`); the numbers
 * stay what the bulk walker and the loop read, and both describe the same bytes.
 */
export interface LayoutTypes {
  block: string;
  fragment: string;
  trailer?: string;
  /** Block members holding the totals. */
  blockMembers: { size: string; used: string; realUsed: string; maxRealUsed: string };
  /** The walk bounds: a block member's value (absent: none), plus a gdb expression ("0": none). */
  firstFrag: { member?: string; add: string };
  walkEnd: { member?: string; add: string };
  /** Fragment members; the debug ones only where the layout has those fields. */
  fragmentMembers: { size: string; free: string; prevFree?: string; file?: string; func?: string; mname?: string; line?: string };
  /** The member of each check word (of the trailer when the check is `inTrailer`), by check name. */
  checkMembers: Record<string, string>;
  /** gdb expressions of `overhead` and the trailer's offset. */
  overhead: string;
  trailerOffset?: string;
}

export interface HeapLayout {
  /** Profile or DWARF identity shown to the user, e.g. "q_malloc/dbg/x86_64". */
  id: string;
  allocator: AllocatorName;
  source: LayoutSource;
  api: ApiLayout;
  block: BlockLayout;
  fragment: FragmentLayout;
  /** Names for the same places, on layouts read from DWARF. */
  types?: LayoutTypes;
}

/** The pointer Kamailio's allocator hands out (and prints as `address=`) for a fragment. */
export function userAddress(layout: { userOffset: number }, fragment: bigint): bigint {
  return fragment + BigInt(layout.userOffset);
}

/** Bytes of the block header that hold every total and bound word. */
export function blockSpan(block: BlockLayout): number {
  const words = [block.size, block.used, block.realUsed, block.maxRealUsed, block.firstFrag.wordAt ?? 0, block.walkEnd.wordAt ?? 0];
  return Math.max(...words) + 8;
}

/** Resolves an address rule against the block header's bytes (`raw` read at `block`). */
export function resolveAddress(rule: AddressRule, block: bigint, raw: Buffer): bigint {
  const base = rule.fromBlock ? block : 0n;
  const word = rule.wordAt === undefined ? 0n : raw.readBigUInt64LE(rule.wordAt);
  return base + word + BigInt(rule.add);
}
