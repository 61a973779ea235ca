// Built-in layouts for binaries without DWARF (Debian's stripped kamailio 5.6.3, DBG_SR_MEMORY,
// x86-64), read off a debug build of the same source with `ptype/o` and checked against live
// processes (test/fixtures/heap/capture.md).
import type { AllocatorName, ApiLayout, HeapLayout } from './layout.js';

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

/** Every built-in profile, one per allocator. */
export const profiles: readonly HeapLayout[] = [qmallocDebugX64, fmallocDebugX64, tlsfDebugX64];

/** The built-in profile for an allocator, if kamheap has one. */
export function profileFor(allocator: AllocatorName): HeapLayout | undefined {
  return profiles.find((p) => p.allocator === allocator);
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
