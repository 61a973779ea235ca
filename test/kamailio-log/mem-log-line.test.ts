import { describe, expect, it } from 'vitest';
import { parseMemLogLine } from '../../src/kamailio-log/mem-log-line.js';

// The q_malloc lines are covered by test/testbed/parse-kamailio-log.test.ts (the same parser); these
// are f_malloc and TLSF status lines from test/fixtures/kamailio-log/rsyslog-iso.txt, and the
// older and rarer shapes.
describe('parseMemLogLine', () => {
  it.each([
    ['fm_status: fm_status(): fm_status (0x7f3878a55000):', 'f_malloc', { kind: 'status-begin', block: 0x7f3878a55000n }],
    ['fm_status: fm_status():  heap size= 67108864', 'f_malloc', { kind: 'heap-size', size: 67108864n }],
    ['fm_status: fm_status():  used= 3019304, used+overhead=3064088, free=64044776', 'f_malloc',
      { kind: 'heap-used', used: 3019304n, realUsed: 3064088n, free: 64044776n }],
    ['fm_status: fm_status():  max used (+overhead)= 3064088', 'f_malloc', { kind: 'heap-max-used', maxRealUsed: 3064088n }],
    ['fm_status: fm_status(): TOTAL:      1 free fragments = 64044776 free bytes', 'f_malloc', { kind: 'status-other' }],
    ['fm_status: fm_status(): -----------------------------', 'f_malloc', { kind: 'status-end' }],
    ["fm_status: fm_sums(): summarizing all alloc'ed. fragments:", 'f_malloc', { kind: 'sums-begin' }],
    ['fm_status: fm_sums(): -----------------------------', 'f_malloc', { kind: 'sums-end' }],
    ['tlsf_status: tlsf_status(): status of pool (0x7f5542576000):', 'tlsf_malloc', { kind: 'status-begin', block: 0x7f5542576000n }],
    ['tlsf_status: tlsf_status(): heap size= 67108784', 'tlsf_malloc', { kind: 'heap-size', size: 67108784n }],
    ['tlsf_status: tlsf_status(): used= 3022776, used+overhead=3039560, free=64069224, fragments=1', 'tlsf_malloc',
      { kind: 'heap-used', used: 3022776n, realUsed: 3039560n, free: 64069224n }],
    ['tlsf_status: tlsf_status(): max used (+overhead)=3039560, max fragments=1', 'tlsf_malloc', { kind: 'heap-max-used', maxRealUsed: 3039560n }],
    ['tlsf_status: tlsf_status(): 22|...A............................|', 'tlsf_malloc', { kind: 'status-other' }],
    ['tlsf_sums: tlsf_sums():  count=    40 size=    327680 bytes from core: core/pvapi.c: pv_init_buffer(2139)', 'tlsf_malloc',
      { kind: 'sums-entry', count: 40, bytes: 327680n, file: 'core: core/pvapi.c', func: 'pv_init_buffer', line: 2139 }],
  ])('%j', (body, allocator, record) => {
    expect(parseMemLogLine(body)).toEqual({ allocator, record });
  });

  it("reads Kamailio 4.x's summary lines, which have no function name (the wiki's f_malloc sample)", () => {
    expect(parseMemLogLine('fm_status:  count=     1 size=     16640 bytes from <core>: counters.c: counters_prefork_init(207)')).toEqual({
      allocator: 'f_malloc',
      record: { kind: 'sums-entry', count: 1, bytes: 16640n, file: '<core>: counters.c', func: 'counters_prefork_init', line: 207 },
    });
    expect(parseMemLogLine("fm_status: summarizing all alloc'ed. fragments:")?.record).toEqual({ kind: 'sums-begin' });
  });

  it('finds the marker behind a log_prefix', () => {
    // log_prefix's value stands between the level and the message (dprint.h LOGV_PREFIX_STR).
    expect(parseMemLogLine('{1 2 REGISTER abc} qm_status: qm_status(): heap size= 8388608')?.record).toEqual({ kind: 'heap-size', size: 8388608n });
  });

  it("turns qm_status's overwritten-check reports into check records", () => {
    // q_malloc.c qm_status(): "         * beginning overwritten(%lx)!\n"
    expect(parseMemLogLine('qm_status: qm_status():          * beginning overwritten(0)!')?.record).toEqual({ kind: 'fragment-check', message: 'beginning overwritten(0)!' });
    expect(parseMemLogLine('qm_status: qm_status():          * end overwritten(41414141, c0c0c0c0)!')?.record)
      .toEqual({ kind: 'fragment-check', message: 'end overwritten(41414141, c0c0c0c0)!' });
  });

  it('takes no site or check report longer than a snapshot holds (4096 characters of file or function)', () => {
    expect(parseMemLogLine(`qm_sums: qm_sums():  count=     1 size=      8 bytes from ${'f'.repeat(4097)}: g(1)`)).toBeUndefined();
    expect(parseMemLogLine(`qm_sums: qm_sums():  count=     1 size=      8 bytes from ${'f'.repeat(4096)}: g(1)`)?.record).toMatchObject({ kind: 'sums-entry', func: 'g' });
    expect(parseMemLogLine('qm_sums: qm_sums():  count=     1 size=      8 bytes from f: g(123456789012345678901)')).toBeUndefined();
    expect(parseMemLogLine(`qm_status: qm_status():          * end overwritten(${'4'.repeat(2000)})!`)?.record.kind).not.toBe('fragment-check');
  });

  it('ignores lines that only mention an allocator', () => {
    expect(parseMemLogLine('<core> [core/cfg/cfg_ctx.c:599]: cfg_set_now(): core.mem_dump_shm has been changed to 1')).toBeUndefined();
    expect(parseMemLogLine('<core> [core/mem/q_malloc.c:1154]: qm_report(): Enable DBG_QM_MALLOC for getting the report')).toBeUndefined();
  });
});
