// Built-in layouts for binaries without DWARF (Debian's stripped kamailio), read off a debug build
// of Kamailio 5.6.3 with `ptype/o` (src/core/mem/q_malloc.h) and checked against live processes.
import type { AllocatorName, ApiLayout, HeapLayout } from './layout.js';

/** `sr_pkg_api_t` and `sr_shm_api_t` share their first members: mname, mem_pool, mem_block. */
export const memApiLayout: ApiLayout = { mname: 0, memBlock: 16 };

/** q_malloc with DBG_QM_MALLOC (DBG_SR_MEMORY), x86-64: 56-byte qm_frag, 48-byte qm_frag_end. */
export const qmallocDebugX64: HeapLayout = {
  id: 'q_malloc/dbg/x86_64',
  allocator: 'q_malloc',
  source: 'profile',
  api: memApiLayout,
  block: { size: 8, used: 16, realUsed: 24, maxRealUsed: 32, firstFrag: 48, walkEnd: 56 },
  fragment: {
    headerSize: 56,
    trailerSize: 48,
    size: 0,
    isFree: 8,
    debug: { file: 16, func: 24, mname: 32, line: 40 },
    checks: [
      { name: 'check', offset: 48, inTrailer: false, value: 0xf0f0f0f0n },
      { name: 'check1', offset: 0, inTrailer: true, value: 0xc0c0c0c0n },
      { name: 'check2', offset: 8, inTrailer: true, value: 0xabcdefedn },
    ],
    roundTo: 8,
  },
};

const profiles: readonly HeapLayout[] = [qmallocDebugX64];

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
