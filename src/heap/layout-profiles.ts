// Built-in layouts for binaries without DWARF (the distributions' stripped kamailio), x86-64, one
// per allocator, build kind (with or without the DBG_SR_MEMORY debug fields) and era: Kamailio 5.8.0
// changed q_malloc's and f_malloc's structs ("align to 16": a reserved word, f_malloc's members
// reordered and widened, ROUNDTO 16); TLSF did not change. Read off debug builds with `ptype/o`
// (5.6.3 and 6.0.1 from Debian's sources) and checked against live processes
// (test/fixtures/heap/capture.md) and against the DWARF of those builds (test/locate/).
import type { AllocatorName, ApiLayout, HeapLayout } from './layout.js';

/** The eras whose allocator structs differ: 5.0 to 5.7, and 5.8 on. */
export type LayoutEra = '5.0' | '5.8';

/** `sr_pkg_api_t` and `sr_shm_api_t` share their first members: mname, mem_pool, mem_block. */
export const memApiLayout: ApiLayout = { mname: 0, memBlock: 16 };

/**
 * q_malloc's qm_block and f_malloc's fm_block begin alike: type, size, used, real_used,
 * max_real_used, ffrags, then the first fragment and the one the walk stops at (last_frag_end /
 * last_frag).
 */
const listBlock: HeapLayout['block'] = {
  size: 8,
  used: 16,
  realUsed: 24,
  maxRealUsed: 32,
  firstFrag: { fromBlock: false, wordAt: 48, add: 0 },
  walkEnd: { fromBlock: false, wordAt: 56, add: 0 },
};

/**
 * q_malloc (src/core/mem/q_malloc.h): 56-byte `struct qm_frag` (size @0, u.is_free @8, file @16,
 * func @24, mname @32, line @40, check @48, all 8 bytes), then the user's bytes, then a 48-byte
 * `struct qm_frag_end` (check1 @0, check2 @8). `struct qm_block`: size @8, used @16, real_used
 * @24, max_real_used @32, first_frag @48, last_frag_end @56.
 */
export const qmallocDebugX64: HeapLayout = {
  id: 'q_malloc/dbg/x86_64',
  allocator: 'q_malloc',
  source: 'profile',
  api: memApiLayout,
  block: listBlock,
  fragment: {
    headerSize: 56,
    userOffset: 56,
    overhead: 56 + 48,
    trailer: { offset: 56, size: 48 },
    size: { offset: 0, flagBits: 0 },
    free: { offset: 8, width: 8 },
    debug: { file: 16, func: 24, mname: 32, line: { offset: 40, width: 8 }, mnameInFree: true },
    checks: [
      { name: 'check', offset: 48, width: 8, inTrailer: false, value: 0xf0f0f0f0n },
      { name: 'check1', offset: 0, width: 8, inTrailer: true, value: 0xc0c0c0c0n },
      { name: 'check2', offset: 8, width: 8, inTrailer: true, value: 0xabcdefedn },
    ],
    roundTo: 8,
  },
};

/**
 * f_malloc (src/core/mem/f_malloc.h): 72-byte `struct fm_frag` (size @0, next_free @8, prev_free
 * @16, `unsigned int` is_free @24, file @32, func @40, mname @48, line @56, `unsigned int` check @64;
 * the 4 bytes after each `unsigned int` are padding that may hold anything), no trailer.
 * `struct fm_block` keeps the totals where q_malloc does, then first_frag @48 and last_frag @56, a
 * zero-size sentinel fragment (check 0xc0c0c0c0) that ends the walk.
 */
export const fmallocDebugX64: HeapLayout = {
  id: 'f_malloc/dbg/x86_64',
  allocator: 'f_malloc',
  source: 'profile',
  api: memApiLayout,
  block: listBlock,
  fragment: {
    headerSize: 72,
    userOffset: 72,
    overhead: 72,
    size: { offset: 0, flagBits: 0 },
    free: { offset: 24, width: 4 },
    debug: { file: 32, func: 40, mname: 48, line: { offset: 56, width: 8 }, mnameInFree: true },
    checks: [{ name: 'check', offset: 64, width: 4, inTrailer: false, value: 0xf0f0f0f0n }],
    roundTo: 8,
  },
};

/**
 * TLSF (src/core/mem/tlsf_malloc.c): `block_header_t` is prev_phys_block @0 (kept in the last 8
 * bytes of the previous block, so not part of this block's overhead), alloc_info {file @8, func @16,
 * mname @24, `unsigned int` line @32} and size @40, whose bit 0 says free and bit 1 says the
 * previous block is free; the user's bytes start at @48 (`block_start_offset`) and the next block
 * is at block + 40 + size. `mem_block` points at the 8440-byte `control_t` (total_size @64,
 * allocated @72, real_used @80, max_used @88); the first block sits at control + sizeof(control_t)
 * - 8 (its prev_phys_block overlaps the control's last word) and the zero-size sentinel block that
 * ends the walk at first + 40 + (total_size - sizeof(control_t)) = control + total_size + 32.
 * No check words: the prev-free bit is checked against the walk instead. A free block's mname is
 * stale (block_trim_free and block_split set only file, func and line of the remainder).
 */
export const tlsfDebugX64: HeapLayout = {
  id: 'tlsf_malloc/dbg/x86_64',
  allocator: 'tlsf_malloc',
  source: 'profile',
  api: memApiLayout,
  block: {
    size: 64,
    used: 72,
    realUsed: 80,
    maxRealUsed: 88,
    firstFrag: { fromBlock: true, add: 8440 - 8 },
    walkEnd: { fromBlock: true, wordAt: 64, add: 32 },
  },
  fragment: {
    headerSize: 48,
    userOffset: 48,
    overhead: 40,
    size: { offset: 40, flagBits: 3 },
    free: { offset: 40, width: 8, mask: 1 },
    prevFree: { offset: 40, width: 8, mask: 2 },
    debug: { file: 8, func: 16, mname: 24, line: { offset: 32, width: 4 }, mnameInFree: false },
    checks: [],
    roundTo: 8,
  },
};

/** q_malloc of 5.8 on: qm_frag gained `reserved1` (64 bytes), ROUNDTO 16; qm_block unchanged. */
export const qmallocDebugX64Since58: HeapLayout = {
  ...qmallocDebugX64,
  id: 'q_malloc/dbg/x86_64/since_5_8',
  fragment: { ...qmallocDebugX64.fragment, headerSize: 64, userOffset: 64, overhead: 64 + 48, trailer: { offset: 64, size: 48 }, roundTo: 16 },
};

/**
 * q_malloc without the debug fields (MEMDBG=0), every era: `struct qm_frag` is size @0 and
 * u.is_free @8, `struct qm_frag_end` size @0 and prev_free @8; no check words; ROUNDTO 16.
 */
export const qmallocX64: HeapLayout = {
  ...qmallocDebugX64,
  id: 'q_malloc/nodbg/x86_64',
  fragment: {
    headerSize: 16,
    userOffset: 16,
    overhead: 32,
    trailer: { offset: 16, size: 16 },
    size: { offset: 0, flagBits: 0 },
    free: { offset: 8, width: 8 },
    checks: [],
    roundTo: 16,
  },
};

/**
 * f_malloc of 5.8 on: `struct fm_frag` is size @0, is_free @8 (now 8 bytes), next_free @16,
 * prev_free @24, file @32, func @40, mname @48, line @56, reserved1 @64, check @72 (8 bytes): 80
 * bytes; `struct fm_block` gained reserved1 @48, so first_frag @56, last_frag @64; ROUNDTO 16.
 */
export const fmallocDebugX64Since58: HeapLayout = {
  ...fmallocDebugX64,
  id: 'f_malloc/dbg/x86_64/since_5_8',
  block: { ...listBlock, firstFrag: { fromBlock: false, wordAt: 56, add: 0 }, walkEnd: { fromBlock: false, wordAt: 64, add: 0 } },
  fragment: {
    headerSize: 80,
    userOffset: 80,
    overhead: 80,
    size: { offset: 0, flagBits: 0 },
    free: { offset: 8, width: 8 },
    debug: { file: 32, func: 40, mname: 48, line: { offset: 56, width: 8 }, mnameInFree: true },
    checks: [{ name: 'check', offset: 72, width: 8, inTrailer: false, value: 0xf0f0f0f0n }],
    roundTo: 16,
  },
};

/** f_malloc without debug fields, 5.0 to 5.7: size @0, next_free @8, prev_free @16, is_free @24 and check @28 (4 bytes each): 32 bytes. */
export const fmallocX64: HeapLayout = {
  ...fmallocDebugX64,
  id: 'f_malloc/nodbg/x86_64',
  fragment: {
    headerSize: 32,
    userOffset: 32,
    overhead: 32,
    size: { offset: 0, flagBits: 0 },
    free: { offset: 24, width: 4 },
    checks: [{ name: 'check', offset: 28, width: 4, inTrailer: false, value: 0xf0f0f0f0n }],
    roundTo: 8,
  },
};

/** f_malloc without debug fields, 5.8 on: size @0, is_free @8, next_free @16, prev_free @24, reserved1 @32, check @40: 48 bytes. */
export const fmallocX64Since58: HeapLayout = {
  ...fmallocDebugX64Since58,
  id: 'f_malloc/nodbg/x86_64/since_5_8',
  fragment: {
    headerSize: 48,
    userOffset: 48,
    overhead: 48,
    size: { offset: 0, flagBits: 0 },
    free: { offset: 8, width: 8 },
    checks: [{ name: 'check', offset: 40, width: 8, inTrailer: false, value: 0xf0f0f0f0n }],
    roundTo: 16,
  },
};

/**
 * TLSF without debug fields, every era: `block_header_t` loses alloc_info (prev_phys_block @0, size
 * @8), so the user's bytes start at @16 and the next block is at block + 8 + size; `control_t` is
 * 8408 bytes with total_size @32, allocated @40, real_used @48, max_used @56, and the sentinel sits
 * at control + total_size.
 */
export const tlsfX64: HeapLayout = {
  ...tlsfDebugX64,
  id: 'tlsf_malloc/nodbg/x86_64',
  block: {
    size: 32,
    used: 40,
    realUsed: 48,
    maxRealUsed: 56,
    firstFrag: { fromBlock: true, add: 8408 - 8 },
    walkEnd: { fromBlock: true, wordAt: 32, add: 0 },
  },
  fragment: {
    headerSize: 16,
    userOffset: 16,
    overhead: 8,
    size: { offset: 8, flagBits: 3 },
    free: { offset: 8, width: 8, mask: 1 },
    prevFree: { offset: 8, width: 8, mask: 2 },
    checks: [],
    roundTo: 8,
  },
};

/** A built-in profile and where it applies. */
interface ProfileEntry {
  layout: HeapLayout;
  eras: readonly LayoutEra[];
  debug: boolean;
}

/** Every built-in profile. */
export const profileTable: readonly ProfileEntry[] = [
  { layout: qmallocDebugX64, eras: ['5.0'], debug: true },
  { layout: qmallocDebugX64Since58, eras: ['5.8'], debug: true },
  { layout: qmallocX64, eras: ['5.0', '5.8'], debug: false },
  { layout: fmallocDebugX64, eras: ['5.0'], debug: true },
  { layout: fmallocDebugX64Since58, eras: ['5.8'], debug: true },
  { layout: fmallocX64, eras: ['5.0'], debug: false },
  { layout: fmallocX64Since58, eras: ['5.8'], debug: false },
  { layout: tlsfDebugX64, eras: ['5.0', '5.8'], debug: true },
  { layout: tlsfX64, eras: ['5.0', '5.8'], debug: false },
];

/** The built-in profile for an allocator of an era, with or without debug fields, if kamheap has one. */
export function profileFor(allocator: AllocatorName, era: LayoutEra, debug: boolean): HeapLayout | undefined {
  return profileTable.find((p) => p.layout.allocator === allocator && p.eras.includes(era) && p.debug === debug)?.layout;
}

/** The era of a release (undefined for an unknown version, or one before 5.0: no profile fits those). */
export function eraOf(numbers: readonly [number, number, number] | undefined): LayoutEra | undefined {
  if (!numbers || numbers[0] < 5) return undefined;
  return numbers[0] > 5 || numbers[1] >= 8 ? '5.8' : '5.0';
}

/** Maps the memory manager's name string (`mname` of the API) to an allocator. */
export function allocatorFromName(mname: string): AllocatorName | undefined {
  switch (mname) {
    case 'q_malloc':
    case 'f_malloc':
    case 'tlsf_malloc':
      return mname;
    default:
      return undefined;
  }
}
