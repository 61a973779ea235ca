// Figures and Markdown tables of the reports.
import { describe, expect, it } from 'vitest';
import { grouped, median, minMedian, table, worst } from '../../bench/format.js';

describe('table', () => {
  it('pads a Markdown table: first column left, figures right', () => {
    expect(table(['heap', 'wall s'], [['shm 64 MB', '1.41'], ['shm 2 GB', '11.20']])).toEqual([
      '| heap      | wall s |',
      '| --------- | -----: |',
      '| shm 64 MB |   1.41 |',
      '| shm 2 GB  |  11.20 |',
    ]);
  });
});

describe('statistics', () => {
  it('min/median ignore unknown values', () => {
    expect(minMedian([3, null, 1, 2])).toEqual({ min: 1, median: 2 });
    expect(minMedian([4, 1])).toEqual({ min: 1, median: 2.5 });
    expect(minMedian([null])).toBeNull();
    expect(median([])).toBeNull();
  });

  it('the worst of runs is unknown when one is', () => {
    expect(worst([1, 3, 2])).toBe(3);
    expect(worst([1, null])).toBeNull();
    expect(worst([])).toBeNull();
  });

  it('groups thousands', () => {
    expect(grouped(4_500_000)).toBe('4,500,000');
    expect(grouped(12.345, 1)).toBe('12.3');
    expect(grouped(null)).toBe('n/a');
  });
});
