// renderWalkScript with the shipped template: every placeholder filled from the layout, only checked
// numbers and fixed names reach gdb, and the fragment printf stays what the parser expects.
import { describe, expect, it } from 'vitest';
import { KamheapError } from '../../src/errors.js';
import type { HeapLayout } from '../../src/heap/layout.js';
import { qmallocDebugX64 } from '../../src/heap/layout-profiles.js';
import { loadTemplate, renderWalkScript, unboundedTo, type ScriptParams } from '../../src/walk/script-template.js';

const params: ScriptParams = { pid: 12649, kind: 'shm', layout: qmallocDebugX64, from: 0, to: undefined, executable: '/usr/sbin/kamailio' };

/** A layout whose every number differs from the profile's, to see each one land in the script. */
const oddLayout: HeapLayout = {
  id: 'q_malloc/test/odd',
  allocator: 'q_malloc',
  source: 'dwarf',
  api: { mname: 4, memBlock: 24 },
  block: { size: 104, used: 112, realUsed: 120, maxRealUsed: 128, firstFrag: 136, walkEnd: 144 },
  fragment: {
    headerSize: 72,
    trailerSize: 40,
    size: 8,
    isFree: 16,
    debug: { file: 24, func: 32, mname: 40, line: 48 },
    checks: [{ name: 'magic', offset: 24, inTrailer: true, value: 0x5a5a5a5an }],
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
    for (const layout of [qmallocDebugX64, oddLayout, withFragment({ debug: undefined, checks: [] })]) {
      const script = renderWalkScript({ ...params, layout });
      expect(script).not.toContain('{{');
      expect(script).not.toContain('}}');
    }
  });

  it('writes the header line the parser reads', () => {
    const script = renderWalkScript(params);
    expect(script).toContain(
      'printf "KH_BEGIN format=1 pid=12649 kind=shm layout=q_malloc/dbg/x86_64 source=profile header=56 debug=1 from=0 to=2147483647\\n"',
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
    ['heap end', 'set $kh_heap_end = $kh_end + 40'],
    ['size word', 'set $kh_size = *(unsigned long *) ($kh_a + 8)'],
    ['trailer position', 'set $kh_t = $kh_a + 72 + $kh_size'],
    ['bounds and rounding', 'if ($kh_t + 40 > $kh_heap_end || $kh_size % 16 != 0 || '],
    ['rounding report', 'if ($kh_size % 16 != 0)'],
    ['check word', '|| *(unsigned long *) ($kh_t + 24) != 0x5a5a5a5a)'],
    ['check report', 'check-pattern end:magic=%lx\\n", $kh_i, $kh_a, *(unsigned long *) ($kh_t + 24)'],
    ['next fragment', 'set $kh_a = $kh_t + 40'],
    ['range lower bound', 'if ($kh_i >= 7)'],
    ['range upper bound', 'while ($kh_a < $kh_end && $kh_i < 99)'],
    ['layout identity', 'layout=q_malloc/test/odd source=dwarf header=72 debug=1 from=7 to=99'],
  ])('embeds the layout: %s', (_what, expected) => {
    expect(renderWalkScript({ ...params, layout: oddLayout, from: 7, to: 99 })).toContain(expected);
  });

  it('uses the pkg root for pkg and prints a bounded range', () => {
    const script = renderWalkScript({ ...params, kind: 'pkg', from: 5, to: 20 });
    expect(script).toContain('&_pkg_root');
    expect(script).toContain('kind=pkg');
    expect(script).toContain('fragments 5 <= i < 20');
    expect(script).toContain('if ($kh_ok && $kh_i < 20 && $kh_a != $kh_heap_end)');
    expect(unboundedTo).toBe(2_147_483_647);
  });

  it('checks all three q_malloc check words', () => {
    expect(renderWalkScript(params)).toContain(
      '|| *(unsigned long *) ($kh_a + 48) != 0xf0f0f0f0 || *(unsigned long *) ($kh_t + 0) != 0xc0c0c0c0 || *(unsigned long *) ($kh_t + 8) != 0xabcdefed)',
    );
  });

  it('prints a q_malloc fragment with its debug strings only when all three pointers are set', () => {
    const printf = renderWalkScript(params, '{{PRINT_FRAGMENT}}');
    expect(printf.split('\n')).toEqual([
      '    if (*(char **) ($kh_a + 16) != 0 && *(char **) ($kh_a + 24) != 0 && *(char **) ($kh_a + 32) != 0)',
      '      printf "KH_F %d %lx %lu %d %lu\\t%s\\t%s\\t%s\\n", $kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 8) != 0, *(unsigned long *) ($kh_a + 40), *(char **) ($kh_a + 16), *(char **) ($kh_a + 24), *(char **) ($kh_a + 32)',
      '    else',
      '      printf "KH_F %d %lx %lu %d %lu\\t\\t\\t\\n", $kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 8) != 0, *(unsigned long *) ($kh_a + 40)',
      '    end',
    ]);
  });

  it('prints fragments of a build without debug fields with empty sites', () => {
    const layout = withFragment({ debug: undefined });
    expect(renderWalkScript({ ...params, layout }, '{{PRINT_FRAGMENT}}|{{DEBUG_FIELDS}}')).toBe(
      '    printf "KH_F %d %lx %lu %d 0\\t\\t\\t\\n", $kh_i, $kh_a, $kh_size, *(unsigned long *) ($kh_a + 8) != 0|0',
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

  it('rejects a negative offset in the layout', () => {
    expect(renderError({ layout: withFragment({ isFree: -8 }) })).toMatchObject({ kind: 'usage' });
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
