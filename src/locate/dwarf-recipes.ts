// Where each number of a layout lives in the DWARF of a Kamailio build: type and member names and
// gdb expressions over sizeof/offsetof, one recipe per allocator (data, read by dwarf-layout.ts).
// What DWARF cannot say (check values, flag masks, ROUNDTO) comes from the built-in profile.
import type { AllocatorName } from '../heap/layout.js';

/** An address rule whose word is a block member and whose constant is a gdb expression. */
export interface RuleRecipe {
  fromBlock: boolean;
  wordMember?: string;
  /** gdb expression for the constant added (omitted: 0). */
  add?: string;
}

export interface DwarfRecipe {
  /** Types (as gdb spells them) of the block header, the fragment header and its trailer. */
  block: string;
  fragment: string;
  trailer?: string;
  /** Block members holding the totals (64-bit words). */
  totals: { size: string; used: string; realUsed: string; maxRealUsed: string };
  firstFrag: RuleRecipe;
  walkEnd: RuleRecipe;
  /** gdb expressions for the fragment's read size, user offset, overhead and trailer offset. */
  headerSize: string;
  userOffset: string;
  overhead: string;
  trailerOffset?: string;
  /**
   * Fragment members: size word, free flag (the first member present, set when free), prev-free
   * flag (widths come from sizeof).
   */
  members: { size: string; free: readonly string[]; prevFree?: string };
  /** Debug members (DBG_SR_MEMORY); a build without them gets a layout without debug fields. */
  debugMembers: { file: string; func: string; mname: string; line: string };
  /** Check word members by the profile's check name (trailer ones are members of `trailer`). */
  checkMembers: Record<string, string>;
}

/** `offsetof(type, member)` as gdb evaluates it. */
export function offsetOfExpr(type: string, member: string): string {
  return `(unsigned long)&((${type} *)0)->${member}`;
}

/** `sizeof(((type *)0)->member)`. */
export function memberSizeExpr(type: string, member: string): string {
  return `sizeof(((${type} *)0)->${member})`;
}

const qmFrag = 'struct qm_frag';
const qmEnd = 'struct qm_frag_end';
const fmFrag = 'struct fm_frag';
const tlsfBlock = 'block_header_t';
// TLSF's block_start_offset: the user's bytes follow the size word.
const tlsfStart = `${offsetOfExpr(tlsfBlock, 'size')} + sizeof(size_t)`;

export const dwarfRecipes: Record<AllocatorName, DwarfRecipe> = {
  q_malloc: {
    block: 'struct qm_block',
    fragment: qmFrag,
    trailer: qmEnd,
    totals: { size: 'size', used: 'used', realUsed: 'real_used', maxRealUsed: 'max_real_used' },
    firstFrag: { fromBlock: false, wordMember: 'first_frag' },
    walkEnd: { fromBlock: false, wordMember: 'last_frag_end' },
    headerSize: `sizeof(${qmFrag})`,
    userOffset: `sizeof(${qmFrag})`,
    overhead: `sizeof(${qmFrag}) + sizeof(${qmEnd})`,
    trailerOffset: `sizeof(${qmFrag})`,
    members: { size: 'size', free: ['u.is_free'] },
    debugMembers: { file: 'file', func: 'func', mname: 'mname', line: 'line' },
    checkMembers: { check: 'check', check1: 'check1', check2: 'check2' },
  },
  f_malloc: {
    block: 'struct fm_block',
    fragment: fmFrag,
    totals: { size: 'size', used: 'used', realUsed: 'real_used', maxRealUsed: 'max_real_used' },
    firstFrag: { fromBlock: false, wordMember: 'first_frag' },
    // last_frag is the zero-size sentinel fragment: the walk lands on it.
    walkEnd: { fromBlock: false, wordMember: 'last_frag' },
    headerSize: `sizeof(${fmFrag})`,
    userOffset: `sizeof(${fmFrag})`,
    overhead: `sizeof(${fmFrag})`,
    // 5.x marks free fragments in is_free; 4.x has no such member: a fragment is free while it is
    // linked in a free list, prv_free set (fm_insert_free), cleared on malloc (fm_extract_free).
    members: { size: 'size', free: ['is_free', 'prv_free'] },
    debugMembers: { file: 'file', func: 'func', mname: 'mname', line: 'line' },
    checkMembers: { check: 'check' },
  },
  tlsf_malloc: {
    block: 'control_t',
    fragment: tlsfBlock,
    totals: { size: 'total_size', used: 'allocated', realUsed: 'real_used', maxRealUsed: 'max_used' },
    // tlsf_create_with_pool: the pool follows control_t, its first block starts one pointer early.
    firstFrag: { fromBlock: true, add: `sizeof(control_t) - sizeof(${tlsfBlock} *)` },
    // The sentinel: first block + overhead + (total_size - sizeof(control_t)).
    walkEnd: { fromBlock: true, wordMember: 'total_size', add: `${tlsfStart} - 2 * sizeof(${tlsfBlock} *)` },
    headerSize: tlsfStart,
    userOffset: tlsfStart,
    // prev_phys_block of the next block lives in this block's last word.
    overhead: `${tlsfStart} - sizeof(${tlsfBlock} *)`,
    members: { size: 'size', free: ['size'], prevFree: 'size' },
    debugMembers: { file: 'alloc_info.file', func: 'alloc_info.func', mname: 'alloc_info.mname', line: 'alloc_info.line' },
    checkMembers: {},
  },
};
