// Which variable a heap is reached through: the fixed table, the --heap-symbol check, and the
// allocator a block pointer's DWARF type names, from gdb's real answers (test/fixtures/mi/symbol-info-*).
import { describe, expect, it } from 'vitest';
import { variableTypeOf } from '../../src/gdb/commands.js';
import { parseMiLine } from '../../src/mi/parse-mi-line.js';
import type { MiTuple } from '../../src/mi/mi-record.js';
import { allocatorOfType, heapRootSymbol, heapRootSymbols } from '../../src/locate/heap-roots.js';
import { fixtureLines, type Fixture } from '../mi/fixtures.js';

/** The results of each `^done` of a fixture, in order (one per command of its .in file). */
function answers(name: Fixture): MiTuple[] {
  return fixtureLines(name)
    .filter((l) => l.startsWith('^done'))
    .map((l) => {
      const record = parseMiLine(l);
      if (record.kind !== 'result') throw new Error('not a result');
      return record.results;
    });
}

describe('heap root symbols', () => {
  it('tries the 5.x memory API first, then the 4.x block pointer', () => {
    const automatic = (kind: string): string[] => heapRootSymbols.filter((e) => e.kind === kind && e.automatic).map((e) => e.symbol);
    expect(automatic('pkg')).toEqual(['_pkg_root', 'mem_block']);
    expect(automatic('shm')).toEqual(['_shm_root', 'shm_block']);
  });

  it('accepts only known names of the right heap for --heap-symbol', () => {
    expect(heapRootSymbol('shm', '_tlsf_shm_block')).toMatchObject({ shape: 'pointer', allocator: 'tlsf_malloc', automatic: false });
    expect(heapRootSymbol('pkg', 'mem_block')).toMatchObject({ shape: 'pointer', automatic: true });
    expect(heapRootSymbol('pkg', '_pkg_root')).toMatchObject({ shape: 'api' });
    for (const bad of ['shm_block', '_qm_shm_block', 'mem_block)', '$pc', '']) {
      expect(() => heapRootSymbol('pkg', bad)).toThrow(expect.objectContaining({ kind: 'usage' }));
    }
  });

  it('reads the allocator off the DWARF type of a debug build', () => {
    // symbol-info-dwarf.in: _qm_shm_block, _fm_pkg_block, _tlsf_pkg_block, _pkg_root, mem_block
    const [qm, fm, tlsf, api, missing] = answers('symbol-info-dwarf.mi');
    expect(variableTypeOf(qm!, '_qm_shm_block')).toBe('struct qm_block *');
    expect(allocatorOfType(variableTypeOf(qm!, '_qm_shm_block'))).toBe('q_malloc');
    expect(allocatorOfType(variableTypeOf(fm!, '_fm_pkg_block'))).toBe('f_malloc');
    expect(allocatorOfType(variableTypeOf(tlsf!, '_tlsf_pkg_block'))).toBe('tlsf_malloc');
    expect(variableTypeOf(api!, '_pkg_root')).toBe('sr_pkg_api_t');
    expect(allocatorOfType('sr_pkg_api_t')).toBeUndefined();
    expect(variableTypeOf(missing!, 'mem_block')).toBeUndefined();
    // the answer is about one name only
    expect(variableTypeOf(qm!, '_qm_pkg_block')).toBeUndefined();
  });

  it('finds no type in a stripped executable', () => {
    const [api, statics] = answers('symbol-info-stripped.mi');
    expect(variableTypeOf(api!, '_pkg_root')).toBeUndefined();
    expect(variableTypeOf(statics!, '_qm_pkg_block')).toBeUndefined();
  });
});
