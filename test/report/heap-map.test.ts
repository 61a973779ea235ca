import { describe, expect, it } from 'vitest';
import { cellSize, freeKey, HeapMapBinner, mapColumns, mapFragments, maxCells, type MapFragment } from '../../src/report/heap-map.js';
import { fragmentListMap, readFragmentMap } from '../../src/report/read-fragment-map.js';
import { recordList } from '../../src/snapshot/fragment-list.js';
import { mapFragmentOf } from '../../src/report/report-model.js';
import { fixture, ndjsonFragments } from './report-fixtures.js';

// Used and free bytes over all cells.
function cellTotals(cells: ReadonlyArray<{ used: number; free: number }>): { used: number; free: number } {
  return cells.reduce((t, c) => ({ used: t.used + c.used, free: t.free + c.free }), { used: 0, free: 0 });
}

describe('heap map binning', () => {
  it('picks the module holding most of a cell; free memory and empty cells apart', () => {
    const start = 0x1000n;
    const f = (from: number, to: number, used: boolean, module = ''): MapFragment => ({ frag: start + BigInt(from), end: start + BigInt(to), used, module });
    // 64 bytes: 16-byte cells. Cell 0: tm 10, usrloc 6; cell 1: usrloc; cell 2: nothing; cell 3: free.
    const binner = new HeapMapBinner(start, start + 64n);
    for (const frag of [f(0, 10, true, 'tm'), f(10, 32, true, 'usrloc'), f(48, 64, false, 'tm')]) binner.add(frag);
    binner.mark(start + 50n, 0);
    const map = binner.result();
    expect(map.bytesPerCell).toBe(16);
    expect(map.cells).toEqual([
      { top: 'tm', used: 16, free: 0 },
      { top: 'usrloc', used: 16, free: 0 },
      { top: undefined, used: 0, free: 0 },
      { top: freeKey, used: 0, free: 16 },
    ]);
    expect(map.marks).toEqual([{ cell: 3, finding: 0 }]);
    expect(map.rows).toBe(1);
  });

  it('stays bounded for millions of fragments, and counts every byte once', () => {
    const start = 0x7f0000000000n;
    const count = 2_000_000;
    const binner = new HeapMapBinner(start, start + BigInt(count * 96));
    for (let i = 0; i < count; i++) binner.add({ frag: start + BigInt(i * 96), end: start + BigInt(i * 96 + 96), used: i % 3 !== 0, module: i % 2 === 0 ? 'tm' : 'htable' });
    const map = binner.result();
    expect(map.cells.length).toBeLessThanOrEqual(maxCells);
    expect(map.rows).toBeLessThanOrEqual(maxCells / mapColumns);
    expect(map.fragments).toBe(count);
    const t = cellTotals(map.cells);
    expect(t.used + t.free).toBe(count * 96);
    expect(t.free).toBe(Math.ceil(count / 3) * 96);
  });

  it('sizes cells in powers of two, at least 16 bytes, never more than maxCells of them', () => {
    expect(cellSize(100)).toBe(16);
    expect(cellSize(64 << 20)).toBe(4096);
    expect(Math.ceil((64 << 20) / cellSize(64 << 20))).toBeLessThanOrEqual(maxCells);
    expect(Math.ceil(2 ** 40 / cellSize(2 ** 40))).toBeLessThanOrEqual(maxCells);
  });

  it('maps a real pkg heap (--fragments walk): every fragment byte in a cell, the first cells core', async () => {
    const fragments = ndjsonFragments('report/pkg-timer-fragments.ndjson');
    const map = mapFragments(fragments.map(mapFragmentOf), []);
    if (!map) throw new Error('no map');
    const span = (used: boolean): number => fragments.filter((f) => f.used === used).reduce((n, f) => n + Number(BigInt(f.address) + BigInt(f.size) - BigInt(f.frag)), 0);
    expect(cellTotals(map.cells)).toEqual({ used: span(true), free: span(false) });
    expect(map.start).toBe(BigInt(fragments[0]?.frag ?? ''));
    expect(map.cells[0]?.top).toBe('core');
    expect(map.fragments).toBe(fragments.length);
    // The same map when read from the file line by line (kamheap report of an NDJSON snapshot).
    expect(await readFragmentMap(fixture('report/pkg-timer-fragments.ndjson'), [])).toEqual(map);
    // And from a walk's own fragment list (what walk --format html has).
    expect(await fragmentListMap(recordList(fragments), [])).toEqual(map);
  });
});
