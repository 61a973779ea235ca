import { describe, expect, it } from 'vitest';
import {
  parseLogLine,
  parseMemLogBody,
  parseSourceSite,
  parseStatusText,
  parseSumsText,
} from '../../testbed/parse-kamailio-log.js';

// Every line below was copied from a live Kamailio 5.6.3 log (test/fixtures/kamailio/).

describe('parseLogLine', () => {
  it.each([
    [' 6(3669) ALERT: <core> [core/pt.c:583]: mem_dump_shm_fixup(): Memory status (shm)', 6, 3669, 'ALERT',
      '<core> [core/pt.c:583]: mem_dump_shm_fixup(): Memory status (shm)'],
    [' 0(3662) NOTICE: <core> [main.c:733]: handle_sigs(): Thank you for flying kamailio!!!', 0, 3662, 'NOTICE',
      '<core> [main.c:733]: handle_sigs(): Thank you for flying kamailio!!!'],
    [' 4(3667) ALERT: qm_status: qm_status(): heap size= 8388608', 4, 3667, 'ALERT',
      'qm_status: qm_status(): heap size= 8388608'],
  ])('splits %j', (line, rank, pid, level, body) => {
    expect(parseLogLine(line)).toEqual({ rank, pid, level, body });
  });

  it.each([
    ['\t\t bucket size:        16 -        16 (first        16)'],
    ['>'],
    ['loading modules under config path: /usr/lib/x86_64-linux-gnu/kamailio/modules/'],
    ['             udp: 127.0.0.1 [127.0.0.1]:5191'],
    [''],
  ])('leaves continuation and plain lines alone: %j', (line) => {
    expect(parseLogLine(line)).toBeUndefined();
  });
});

describe('parseSourceSite', () => {
  it.each([
    ['core: core/mem/q_malloc.c: qm_shm_lock_init(1277)', 'core: core/mem/q_malloc.c', 'qm_shm_lock_init', 1277],
    ['htable: ht_api.c: ht_cell_new(186)', 'htable: ht_api.c', 'ht_cell_new', 186],
    ['usrloc: ../../core/ut.h: shm_str_dup(859)', 'usrloc: ../../core/ut.h', 'shm_str_dup', 859],
    // split-off free fragments keep the caller's file/line but get this func
    ['tm: t_reply.c: fragm. from qm_malloc(500)', 'tm: t_reply.c', 'fragm. from qm_malloc', 500],
  ])('%j', (text, file, func, line) => {
    expect(parseSourceSite(text)).toEqual({ file, func, line });
  });

  it('rejects text without FUNC(LINE)', () => {
    expect(parseSourceSite('summarizing all alloc\'ed. fragments:')).toBeUndefined();
  });
});

describe('parseStatusText', () => {
  it.each([
    ['(0x7f78a1af4000):', { kind: 'status-begin', block: 0x7f78a1af4000n }],
    ['heap size= 67108864', { kind: 'heap-size', size: 67108864n }],
    ['used= 3095928, used+overhead=3362280, free=63746584',
      { kind: 'heap-used', used: 3095928n, realUsed: 3362280n, free: 63746584n }],
    ['max used (+overhead)= 3362280', { kind: 'heap-max-used', maxRealUsed: 3362280n }],
    ['     1. N  address=0x7f78a1b2d738 frag=0x7f78a1b2d700 size=320 used=1',
      { kind: 'fragment', index: 1, free: false, address: 0x7f78a1b2d738n, frag: 0x7f78a1b2d700n, size: 320n, used: true }],
    ['   299. A  address=0x7f78a1e28db8 frag=0x7f78a1e28d80 size=63746584 used=1',
      { kind: 'fragment', index: 299, free: true, address: 0x7f78a1e28db8n, frag: 0x7f78a1e28d80n, size: 63746584n, used: true }],
    ["          alloc'd from htable: ht_api.c: ht_add_table(289)",
      { kind: 'fragment-origin', free: false, file: 'htable: ht_api.c', func: 'ht_add_table', line: 289 }],
    ['          freed from tm: t_reply.c: fragm. from qm_malloc(500)',
      { kind: 'fragment-origin', free: true, file: 'tm: t_reply.c', func: 'fragm. from qm_malloc', line: 500 }],
    ['         start check=f0f0f0f0, end check= c0c0c0c0, abcdefed', { kind: 'status-other' }],
    ["dumping all alloc'ed. fragments:", { kind: 'status-other' }],
    ['hash= 2060. fragments no.:     1, unused:     0', { kind: 'status-other' }],
    ['-----------------------------', { kind: 'status-end' }],
  ])('%j', (text, record) => {
    expect(parseStatusText(text)).toEqual(record);
  });
});

describe('parseSumsText', () => {
  it.each([
    ["summarizing all alloc'ed. fragments:", { kind: 'sums-begin' }],
    [' count=    85 size=      9784 bytes from htable: ht_api.c: ht_cell_new(186)',
      { kind: 'sums-entry', count: 85, bytes: 9784n, file: 'htable: ht_api.c', func: 'ht_cell_new', line: 186 }],
    [' count=    80 size=      1760 bytes from usrloc: ../../core/ut.h: shm_str_dup(859)',
      { kind: 'sums-entry', count: 80, bytes: 1760n, file: 'usrloc: ../../core/ut.h', func: 'shm_str_dup', line: 859 }],
    ['-----------------------------', { kind: 'sums-end' }],
  ])('%j', (text, record) => {
    expect(parseSumsText(text)).toEqual(record);
  });
});

describe('parseMemLogBody', () => {
  it.each([
    ['<core> [core/pt.c:583]: mem_dump_shm_fixup(): Memory status (shm)', 'shm-status', undefined],
    ['<core> [core/pt.c:551]: mem_dump_pkg_cb(): Memory status (pkg) of process 3667:', 'pkg-status', 3667],
    ['<core> [core/pt.c:555]: mem_dump_pkg_cb(): Memory still-in-use summary (pkg) of process 3664:', 'pkg-sums', 3664],
    ['<core> [main.c:865]: sig_usr(): Memory status (pkg):', 'pkg-status', undefined],
    ['<core> [main.c:617]: cleanup(): Memory still-in-use summary (shm):', 'shm-sums', undefined],
  ])('recognizes the header %j', (body, what, pid) => {
    expect(parseMemLogBody(body)).toEqual({ kind: 'header', what, pid });
  });

  it('dispatches on the q_malloc prefixes', () => {
    expect(parseMemLogBody('qm_status: qm_status(): heap size= 8388608')).toEqual({ kind: 'heap-size', size: 8388608n });
    expect(parseMemLogBody('qm_sums: qm_sums(): -----------------------------')).toEqual({ kind: 'sums-end' });
  });

  it.each([
    // -x fm and -x tlsf runs: the same summary lines behind other prefixes
    ["fm_status: fm_sums(): summarizing all alloc'ed. fragments:", { kind: 'sums-begin' }],
    ['fm_status: fm_sums():  count=   200 size=      4400 bytes from usrloc: ../../core/ut.h: shm_str_dup(859)',
      { kind: 'sums-entry', count: 200, bytes: 4400n, file: 'usrloc: ../../core/ut.h', func: 'shm_str_dup', line: 859 }],
    ["tlsf_sums: tlsf_sums(): pool (0x7fc4f66e8000) summarizing all alloc'ed. fragments:", { kind: 'sums-begin' }],
    ['tlsf_sums: tlsf_sums():  count=   200 size=     11200 bytes from usrloc: ../../core/ut.h: shm_str_dup(859)',
      { kind: 'sums-entry', count: 200, bytes: 11200n, file: 'usrloc: ../../core/ut.h', func: 'shm_str_dup', line: 859 }],
  ])('reads f_malloc and TLSF summaries: %j', (body, record) => {
    expect(parseMemLogBody(body)).toEqual(record);
  });

  it("recognizes qm_sums' warning in a build without memory debug fields", () => {
    const body = '<core> [core/mem/q_malloc.c:1148]: qm_sums(): Enable DBG_QM_MALLOC for getting the status summary';
    expect(parseMemLogBody(body)).toEqual({ kind: 'sums-unavailable' });
    expect(parseMemLogBody('<core> [core/mem/q_malloc.c:1154]: qm_report(): Enable DBG_QM_MALLOC for getting the report'))
      .toBeUndefined();
  });

  it('ignores unrelated log bodies', () => {
    expect(parseMemLogBody('<core> [core/cfg/cfg_ctx.c:599]: cfg_set_now(): core.mem_dump_shm has been changed to 1'))
      .toBeUndefined();
  });
});
