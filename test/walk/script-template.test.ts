// renderWalkScript with the shipped template: every placeholder filled from the layout, only checked
// numbers and fixed names reach gdb, and the fragment printf stays what the parser expects.
import { describe, expect, it } from 'vitest';
import { KamheapError } from '../../src/errors.js';
import type { AllocatorName, HeapLayout, LayoutTypes } from '../../src/heap/layout.js';
import { fixtureLayout, type DwarfFixture } from '../locate/dwarf-fixture.js';
import { fmallocDebugX64, qmallocDebugX64, tlsfDebugX64 } from '../../src/heap/layout-profiles.js';
import { loadTemplate, renderWalkScript, unboundedTo, type ScriptParams } from '../../src/walk/script-template.js';

const params: ScriptParams = { pid: 12649, kind: 'shm', root: { symbol: '_shm_root' }, layout: qmallocDebugX64, from: 0, to: undefined, executable: '/usr/sbin/kamailio' };

/** A layout whose every number differs from the profile's, to see each one land in the script. */
const oddLayout: HeapLayout = {
  id: 'q_malloc/test/odd',
  allocator: 'q_malloc',
  source: 'dwarf',
  api: { mname: 4, memBlock: 24 },
  block: {
    size: 104,
    used: 112,
    realUsed: 120,
    maxRealUsed: 128,
    firstFrag: { fromBlock: false, wordAt: 136, add: 0 },
    walkEnd: { fromBlock: false, wordAt: 144, add: 0 },
  },
  fragment: {
    headerSize: 72,
    userOffset: 64,
    overhead: 112,
    trailer: { offset: 72, size: 40 },
    size: { offset: 8, flagBits: 0 },
    free: { offset: 16, width: 8 },
    debug: { file: 24, func: 32, mname: 40, line: { offset: 48, width: 8 }, mnameInFree: true },
    checks: [{ name: 'magic', offset: 24, width: 8, inTrailer: true, value: 0x5a5a5a5an }],
    roundTo: 16,
  },
};

/** The profile with its layout changed by `patch`. */
function withFragment(patch: Partial<HeapLayout['fragment']>): HeapLayout {
  return { ...qmallocDebugX64, fragment: { ...qmallocDebugX64.fragment, ...patch } };
}

/** Whatever renderWalkScript throws for these parameters. */
function renderError(change: Partial<ScriptParams>): unknown {
  try {
    renderWalkScript({ ...params, ...change });
  } catch (error) {
    return error;
  }
  throw new Error('renderWalkScript accepted the parameters');
}

describe('renderWalkScript', () => {
  it('fills every placeholder of the shipped template', () => {
    const template = loadTemplate();
    expect(template.match(/\{\{[A-Z_]+\}\}/g)?.length).toBeGreaterThan(20);
    for (const layout of [qmallocDebugX64, fmallocDebugX64, tlsfDebugX64, oddLayout, withFragment({ debug: undefined, checks: [] })]) {
      const script = renderWalkScript({ ...params, layout });
      expect(script).not.toContain('{{');
      expect(script).not.toContain('}}');
    }
  });

  it('writes the header line the parser reads', () => {
    const script = renderWalkScript(params);
    expect(script).toContain(
      'printf "KH_BEGIN format=1 pid=12649 kind=shm layout=q_malloc/dbg/x86_64 source=profile header=56 user=56 overhead=104 debug=1 from=0 to=2147483647 root=_shm_root\\n"',
    );
    expect(script).toContain('# allocator q_malloc, layout q_malloc/dbg/x86_64 (profile), fragments 0 <= i < end');
    expect(script).toContain("--command=walk.gdb /usr/sbin/kamailio 12649 > walk.out");
  });

  it.each<[string, string]>([
    ['root symbol of shm', 'set $kh_root = (char *) &_shm_root'],
    ['mem_block offset', 'set $kh_block = *(char **) ($kh_root + 24)'],
    ['mname offset', '*(char **) ($kh_root + 4), $kh_block'],
    ['block totals', '*(unsigned long *) ($kh_block + 104), *(unsigned long *) ($kh_block + 112), *(unsigned long *) ($kh_block + 120), *(unsigned long *) ($kh_block + 128)'],
    ['first fragment', 'set $kh_a = *(char **) ($kh_block + 136)'],
    ['walk end', 'set $kh_end = *(char **) ($kh_block + 144)'],
    ['bounds in the header line', 'max_real_used=%lu first=%lx end=%lx\\n", *(char **) ($kh_root + 4), $kh_block, '],
    ['heap end', 'set $kh_heap_end = $kh_end + 40'],
    ['size word', 'set $kh_size = *(unsigned long *) ($kh_a + 8)\n'],
    ['trailer position', '\n    set $kh_t = $kh_a + 72 + $kh_size\n'],
    ['bounds and rounding', 'if ($kh_size > $kh_heap_end - $kh_a || $kh_a + 112 + $kh_size > $kh_heap_end || $kh_size % 16 != 0 || '],
    ['bounds report', '    if ($kh_size > $kh_heap_end - $kh_a || $kh_a + 112 + $kh_size > $kh_heap_end)\n'],
    ['rounding report', 'if ($kh_size % 16 != 0)'],
    ['check word', '|| *(unsigned long *) ($kh_t + 24) != 0x5a5a5a5a)'],
    ['check report', 'check-pattern end:magic=%lx\\n", $kh_i, $kh_a, *(unsigned long *) ($kh_t + 24)'],
    ['free flag', '$kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 16) != 0, *(unsigned long *) ($kh_a + 48)'],
    ['next fragment', 'set $kh_a = $kh_a + 112 + $kh_size'],
    ['range lower bound', 'if ($kh_i >= 7)'],
    ['range upper bound', 'while ($kh_a < $kh_end && $kh_i < 99 && $kh_i < $kh_stop)'],
    ['layout identity', 'layout=q_malloc/test/odd source=dwarf header=72 user=64 overhead=112 debug=1 from=7 to=99'],
  ])('embeds the layout: %s', (_what, expected) => {
    expect(renderWalkScript({ ...params, layout: oddLayout, from: 7, to: 99 })).toContain(expected);
  });

  it.each<[string, string]>([
    ['first fragment: first_frag', 'set $kh_a = *(char **) ($kh_block + 48)\n'],
    ['walk end: the last_frag sentinel', 'set $kh_end = *(char **) ($kh_block + 56)\n'],
    ['no trailer', 'set $kh_heap_end = $kh_end + 0\n'],
    ['size word, then straight to the bounds', 'set $kh_size = *(unsigned long *) ($kh_a + 0)\n    if ($kh_size > $kh_heap_end - $kh_a || $kh_a + 72 + $kh_size > $kh_heap_end || $kh_size % 8 != 0 || *(unsigned int *) ($kh_a + 64) != 0xf0f0f0f0)\n'],
    ['4-byte check word report', 'check-pattern start:check=%lx\\n", $kh_i, $kh_a, *(unsigned int *) ($kh_a + 64)\n'],
    ['4-byte is_free and 8-byte line', '$kh_i, $kh_a, $kh_size, *(unsigned int *) ($kh_a + 24) != 0, *(unsigned long *) ($kh_a + 56), *(char **) ($kh_a + 32), *(char **) ($kh_a + 40), *(char **) ($kh_a + 48)\n'],
    ['next fragment', '    end\n    set $kh_a = $kh_a + 72 + $kh_size\n'],
    ['user offset', 'layout=f_malloc/dbg/x86_64 source=profile header=72 user=72 overhead=72 debug=1'],
  ])('fills the f_malloc profile: %s', (_what, expected) => {
    const script = renderWalkScript({ ...params, layout: fmallocDebugX64 });
    expect(script).toContain(expected);
    expect(script).not.toContain('$kh_t');
    expect(script).not.toContain('set $kh_pf = (');
  });

  it.each<[string, string]>([
    ['first block: after control_t, one pointer early', 'set $kh_a = $kh_block + 8432\n'],
    ['walk end: the sentinel after total_size bytes', 'set $kh_end = $kh_block + *(unsigned long *) ($kh_block + 64) + 32\n'],
    ['totals of control_t', '*(unsigned long *) ($kh_block + 64), *(unsigned long *) ($kh_block + 72), *(unsigned long *) ($kh_block + 80), *(unsigned long *) ($kh_block + 88), $kh_a, $kh_end\n'],
    ['size without its flag bits', 'set $kh_size = *(unsigned long *) ($kh_a + 40) & 0xfffffffffffffffc\n'],
    ['prev-free bit against the walk', '$kh_size % 8 != 0 || ((*(unsigned long *) ($kh_a + 40) & 0x2) != 0) != $kh_pf)\n'],
    ['prev-free report', 'check-pattern prev-free=%d previous-free=%d\\n", $kh_i, $kh_a, ((*(unsigned long *) ($kh_a + 40) & 0x2) != 0), $kh_pf\n'],
    ['free bit, 4-byte line', '$kh_i, $kh_a, $kh_size, (*(unsigned long *) ($kh_a + 40) & 0x1) != 0, *(unsigned int *) ($kh_a + 32)'],
    ['module of used blocks only', 'if (!((*(unsigned long *) ($kh_a + 40) & 0x1) != 0) && *(char **) ($kh_a + 8) != 0 && *(char **) ($kh_a + 16) != 0 && *(char **) ($kh_a + 24) != 0)\n'],
    ['free state kept for the next block, then the step', '    end\n    set $kh_pf = (*(unsigned long *) ($kh_a + 40) & 0x1) != 0\n    set $kh_a = $kh_a + 40 + $kh_size\n'],
    ['user offset', 'layout=tlsf_malloc/dbg/x86_64 source=profile header=48 user=48 overhead=40 debug=1'],
  ])('fills the TLSF profile: %s', (_what, expected) => {
    const script = renderWalkScript({ ...params, layout: tlsfDebugX64 });
    expect(script).toContain(expected);
    expect(script).not.toContain('$kh_t');
  });

  it('leaves out a line whose only placeholder renders empty, and only such lines', () => {
    const template = 'a\n{{SET_TRAILER}}\n  {{TRACK_PREV_FREE}}\nb {{SET_TRAILER}}\n';
    expect(renderWalkScript({ ...params, layout: fmallocDebugX64 }, template)).toBe('a\nb \n');
    expect(renderWalkScript({ ...params, layout: tlsfDebugX64 }, template)).toBe('a\n  set $kh_pf = (*(unsigned long *) ($kh_a + 40) & 0x1) != 0\nb \n');
    expect(renderWalkScript(params, template)).toBe('a\nset $kh_t = $kh_a + 56 + $kh_size\nb set $kh_t = $kh_a + 56 + $kh_size\n');
  });

  it.each<[string, Partial<HeapLayout['fragment']>]>([
    ['a flag mask past 32 bits', { free: { offset: 40, width: 8, mask: 2 ** 33 } }],
    ['a field width of 2', { free: { offset: 8, width: 2 as 4 } }],
    ['negative flag bits', { size: { offset: 0, flagBits: -1 } }],
  ])('refuses %s', (_what, patch) => {
    expect(renderError({ layout: withFragment(patch) })).toMatchObject({ kind: 'usage' });
  });

  it('uses the pkg root for pkg and prints a bounded range', () => {
    const script = renderWalkScript({ ...params, kind: 'pkg', root: { symbol: '_pkg_root' }, from: 5, to: 20 });
    expect(script).toContain('&_pkg_root');
    expect(script).toContain('kind=pkg');
    expect(script).toContain('fragments 5 <= i < 20');
    expect(script).toContain('if ($kh_ok && $kh_i < 20 && $kh_a != $kh_heap_end)');
    expect(unboundedTo).toBe(2_147_483_647);
  });

  it('reads a heap reached through a bare block pointer from the pointer, and names its allocator in the format', () => {
    const script = renderWalkScript({ ...params, kind: 'pkg', root: { symbol: 'mem_block' }, layout: fmallocDebugX64 });
    expect(script).toContain('# The heap is reached through mem_block: pkg block pointer (Kamailio 4.x and older).\n  set $kh_block = *(char **) &mem_block\n');
    expect(script).not.toContain('$kh_root');
    expect(script).toContain('printf "KH_HEAP mname=f_malloc block=%lx size=%lu used=%lu real_used=%lu max_real_used=%lu first=%lx end=%lx\\n", $kh_block, ');
    expect(renderWalkScript({ ...params, root: { symbol: '_qm_shm_block' } })).toContain('set $kh_block = *(char **) &_qm_shm_block\n');
  });

  it.each([
    ['a symbol outside the table', { root: { symbol: 'mem_block; shell rm' } }],
    ['a pkg symbol for the shm heap', { root: { symbol: 'mem_block' } }],
  ])('refuses %s', (_what, change) => {
    expect(renderError(change)).toMatchObject({ kind: 'usage' });
  });

  it('checks all three q_malloc check words', () => {
    expect(renderWalkScript(params)).toContain(
      '|| *(unsigned long *) ($kh_a + 48) != 0xf0f0f0f0 || *(unsigned long *) ($kh_t + 0) != 0xc0c0c0c0 || *(unsigned long *) ($kh_t + 8) != 0xabcdefed)',
    );
  });

  it('prints a q_malloc fragment with its site only when file and func are set, its module only when mname is too', () => {
    const printf = renderWalkScript(params, '{{PRINT_FRAGMENT}}');
    const common = '$kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 8) != 0, *(unsigned long *) ($kh_a + 40)';
    expect(printf.split('\n')).toEqual([
      'if (*(char **) ($kh_a + 16) != 0 && *(char **) ($kh_a + 24) != 0 && *(char **) ($kh_a + 32) != 0)',
      `  printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t%s\\n", ${common}, *(char **) ($kh_a + 16), *(char **) ($kh_a + 24), *(char **) ($kh_a + 32)`,
      'else',
      '  if (*(char **) ($kh_a + 16) != 0 && *(char **) ($kh_a + 24) != 0)',
      `    printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t\\n", ${common}, *(char **) ($kh_a + 16), *(char **) ($kh_a + 24)`,
      '  else',
      `    printf "KH_F %d %lx %lu %d %lu\\t\\t\\t\\n", ${common}`,
      '  end',
      'end',
    ]);
  });

  it('prints fragments of a build without debug fields with empty sites', () => {
    const layout = withFragment({ debug: undefined });
    expect(renderWalkScript({ ...params, layout }, '{{PRINT_FRAGMENT}}|{{DEBUG_FIELDS}}')).toBe(
      'printf "KH_F %d %lx %lu %d 0\\t\\t\\t\\n", $kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 8) != 0|0',
    );
  });

  it('never breaks the walk on a layout without check words', () => {
    const layout = withFragment({ checks: [] });
    expect(renderWalkScript({ ...params, layout }, '{{CHECKS_BROKEN}}|{{CHECKS_FORMAT}}|{{CHECKS_ARGS}}')).toBe('0||');
  });

  it('keeps an executable path with odd characters out of the script', () => {
    expect(renderWalkScript({ ...params, executable: '/opt/k/kamailio; rm -rf /' })).toContain('/usr/sbin/kamailio 12649 > walk.out');
    expect(renderWalkScript({ ...params, executable: null })).toContain('/usr/sbin/kamailio 12649 > walk.out');
    expect(renderWalkScript({ ...params, executable: '/opt/kamailio-5.8/sbin/kamailio' })).toContain('/opt/kamailio-5.8/sbin/kamailio 12649');
  });

  it.each<[string, Partial<ScriptParams>]>([
    ['a negative PID', { pid: -1 }],
    ['a fractional PID', { pid: 1.5 }],
    ['a NaN PID', { pid: Number.NaN }],
    ['an unsafe PID', { pid: 2 ** 53 }],
    ['a negative --from', { from: -1 }],
    ['a fractional --to', { to: 2.5 }],
    ['an infinite --to', { to: Number.POSITIVE_INFINITY }],
  ])('rejects %s as a usage error', (_what, change) => {
    const error = renderError(change);
    expect(error).toBeInstanceOf(KamheapError);
    expect(error).toMatchObject({ kind: 'usage' });
  });

  it.each(['q_malloc/dbg/x86_64"; shell', 'Q_MALLOC', 'q malloc', 'q_malloc\nshell rm'])('rejects the layout id %j', (id) => {
    expect(renderError({ layout: { ...qmallocDebugX64, id } })).toMatchObject({ kind: 'bad-input' });
  });

  it('rejects a check name that is not a plain identifier', () => {
    const checks = [{ name: 'check"; shell', offset: 48, width: 8 as const, inTrailer: false, value: 1n }];
    expect(renderError({ layout: withFragment({ checks }) })).toMatchObject({ kind: 'bad-input' });
  });

  it('rejects a negative offset in the layout', () => {
    expect(renderError({ layout: withFragment({ free: { offset: -8, width: 8 } }) })).toMatchObject({ kind: 'usage' });
  });

  it('fails loudly on a placeholder it does not know', () => {
    expect(() => renderWalkScript(params, 'set $x = {{NO_SUCH_THING}}')).toThrow(/unknown placeholder \{\{NO_SUCH_THING\}\}/);
  });

  // PID 0 would make gdb read "0" as a core file; to < from is refused here as well as in the CLI.
  it.each<[string, Partial<ScriptParams>]>([
    ['PID 0', { pid: 0 }],
    ['--to below --from', { from: 20, to: 5 }],
  ])('rejects %s', (_what, change) => {
    expect(renderError(change)).toBeInstanceOf(KamheapError);
  });
});

describe('renderWalkScript on layouts read from DWARF', () => {
  const fixtures: ReadonlyArray<[DwarfFixture, AllocatorName]> = (
    ['kamailio-5.6.3-dwarf', 'kamailio-5.6.3-nodebug', 'kamailio-6.0.1-dwarf', 'kamailio-6.0.1-nodebug', 'kamailio-4x-structs'] as const
  ).flatMap((name) => (['q_malloc', 'f_malloc', 'tlsf_malloc'] as const).map((allocator): [DwarfFixture, AllocatorName] => [name, allocator]));

  /** The definition of kh_walk_batch: the loop, run once per fragment. */
  function loopOf(script: string): string {
    const start = script.indexOf('define kh_walk_batch\n');
    return script.slice(start, script.indexOf('\nend\n', start));
  }

  it('reads the q_malloc block through its types and members, as the wiki\'s script does', async () => {
    const layout = await fixtureLayout('kamailio-5.6.3-dwarf', 'q_malloc');
    if (!layout) throw new Error('no layout');
    const script = renderWalkScript({ ...params, layout });
    for (const line of [
      '  set $kh_block = (char *) _shm_root.mem_block',
      '  set $kh_a = (char *) ((struct qm_block *) $kh_block)->first_frag',
      '  set $kh_end = (char *) ((struct qm_block *) $kh_block)->last_frag_end',
      '  set $kh_heap_end = $kh_end + sizeof(struct qm_frag_end)',
    ]) {
      expect(script.split('\n')).toContain(line);
    }
    expect(script).toContain(', _shm_root.mname, $kh_block, ((struct qm_block *) $kh_block)->size, ((struct qm_block *) $kh_block)->used, ((struct qm_block *) $kh_block)->real_used, ((struct qm_block *) $kh_block)->max_real_used, $kh_a, $kh_end');
    // The header names every place it reads: no raw offsets there.
    const header = script.slice(script.indexOf('define kh_walk_start'), script.indexOf('define kh_walk_batch'));
    expect(header).not.toMatch(/\*\(unsigned (int|long) \*\)|\*\(char \*\*\)/);
  });

  // gdb parses the loop's lines again for every fragment and looks up every type and member named in
  // them: milliseconds per fragment on a build with debug info. The loop holds numbers only.
  it.each(fixtures)('%s, %s: the loop is the one a profile of the same numbers gets, naming no type or member', async (name, allocator) => {
    const layout = await fixtureLayout(name, allocator);
    if (!layout) return; // no TLSF in Kamailio 4.x
    const script = renderWalkScript({ ...params, layout });
    expect(script).not.toContain('{{');
    const loop = loopOf(script);
    expect(loop).toContain('set $kh_a = $kh_a + ');
    expect(loop).toBe(loopOf(renderWalkScript({ ...params, layout: { ...layout, types: undefined } })));
    expect(loop).not.toMatch(/struct |sizeof|->|_t \*|\.\w/);
  });

  it('names each of the q_malloc loop\'s numbers in a legend above it', async () => {
    const layout = await fixtureLayout('kamailio-5.6.3-dwarf', 'q_malloc');
    if (!layout) throw new Error('no layout');
    expect(renderWalkScript({ ...params, layout }, '{{TYPE_LEGEND}}').split('\n')).toEqual([
      "# The numbers the loop reads, as this binary's types name them:",
      '#   $kh_a + 0   ((struct qm_frag *) $kh_a)->size',
      '#   $kh_a + 8   ((struct qm_frag *) $kh_a)->u.is_free: set when free',
      '#   $kh_a + 16  ((struct qm_frag *) $kh_a)->file',
      '#   $kh_a + 24  ((struct qm_frag *) $kh_a)->func',
      '#   $kh_a + 32  ((struct qm_frag *) $kh_a)->mname',
      '#   $kh_a + 40  ((struct qm_frag *) $kh_a)->line',
      '#   $kh_a + 48  ((struct qm_frag *) $kh_a)->check: 0xf0f0f0f0 when sound',
      '#   $kh_t + 0   ((struct qm_frag_end *) $kh_t)->check1: 0xc0c0c0c0 when sound',
      '#   $kh_t + 8   ((struct qm_frag_end *) $kh_t)->check2: 0xabcdefed when sound',
      '#   56          sizeof(struct qm_frag): the trailer, $kh_t, is at $kh_a + this + size',
      '#   104         sizeof(struct qm_frag) + sizeof(struct qm_frag_end): the next fragment is at $kh_a + this + size',
      '',
    ]);
    // A built-in profile names nothing: no legend, and the line goes with it.
    expect(renderWalkScript(params, 'a\n{{TYPE_LEGEND}}\nb\n')).toBe('a\nb\n');
  });

  it('reads TLSF\'s bounds from control_t, and names the flag bits of the size word', async () => {
    const layout = await fixtureLayout('kamailio-5.6.3-dwarf', 'tlsf_malloc');
    if (!layout) throw new Error('no layout');
    const lines = renderWalkScript({ ...params, layout }).split('\n');
    expect(lines).toContain('  set $kh_a = $kh_block + (sizeof(control_t) - sizeof(block_header_t *))');
    expect(lines).toContain('  set $kh_end = $kh_block + ((control_t *) $kh_block)->total_size + ((unsigned long)&((block_header_t *)0)->size + sizeof(size_t) - 2 * sizeof(block_header_t *))');
    expect(lines).toContain('#   $kh_a + 8   ((block_header_t *) $kh_a)->alloc_info.file');
    expect(lines).toContain('#   $kh_a + 40  ((block_header_t *) $kh_a)->size: the size with bits 0x3 cleared; bit 0x1 set when free; bit 0x2 when the previous one is');
    expect(lines).toContain('    set $kh_size = *(unsigned long *) ($kh_a + 40) & 0xfffffffffffffffc');
    expect(lines).toContain('    set $kh_pf = (*(unsigned long *) ($kh_a + 40) & 0x1) != 0');
  });

  it('reads a Kamailio 4.x heap through mem_block, with sites but no module', async () => {
    const layout = await fixtureLayout('kamailio-4x-structs', 'f_malloc');
    if (!layout) throw new Error('no layout');
    const script = renderWalkScript({ ...params, kind: 'pkg', root: { symbol: 'mem_block' }, layout });
    expect(script.split('\n')).toContain('  set $kh_block = (char *) mem_block');
    expect(script).toContain('printf "KH_HEAP mname=f_malloc block=%lx');
    expect(script).toContain('#   $kh_a + 16  ((struct fm_frag *) $kh_a)->prv_free: set when free\n');
    expect(script).not.toContain('mname != 0');
    expect(script).not.toContain('->mname');
    expect(renderWalkScript({ ...params, layout }, '{{PRINT_FRAGMENT}}').split('\n')).toEqual([
      'if (*(char **) ($kh_a + 24) != 0 && *(char **) ($kh_a + 32) != 0)',
      '  printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t\\n", $kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 16) != 0, *(unsigned long *) ($kh_a + 40), *(char **) ($kh_a + 24), *(char **) ($kh_a + 32)',
      'else',
      '  printf "KH_F %d %lx %lu %d %lu\\t\\t\\t\\n", $kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 16) != 0, *(unsigned long *) ($kh_a + 40)',
      'end',
    ]);
  });

  it.each([
    ['a type', (t: LayoutTypes): LayoutTypes => ({ ...t, fragment: 'struct qm_frag\nshell id' })],
    ['a member', (t: LayoutTypes): LayoutTypes => ({ ...t, fragmentMembers: { ...t.fragmentMembers, size: 'size"' } })],
    ['an expression', (t: LayoutTypes): LayoutTypes => ({ ...t, overhead: '$_siginfo' })],
  ])('refuses %s that is not C', async (_what, spoil) => {
    const layout = await fixtureLayout('kamailio-5.6.3-dwarf', 'q_malloc');
    if (!layout?.types) throw new Error('no layout');
    expect(renderError({ layout: { ...layout, types: spoil(layout.types) } })).toMatchObject({ kind: 'bad-input' });
  });
});
