import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePsx } from '../../testbed/kamcmd.js';

describe('parsePsx', () => {
  it('reads the process table of a live instance (children=3)', () => {
    const stdout = readFileSync(new URL('../fixtures/kamailio/core-psx.txt', import.meta.url), 'utf8');
    const processes = parsePsx(stdout);
    expect(processes.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(processes[0]).toEqual({ index: 0, pid: 7166, description: 'main process - attendant' });
    expect(processes.filter((p) => p.description.startsWith('udp receiver'))).toHaveLength(3);
    expect(processes.map((p) => p.description)).toContain('ctl handler');
  });

  it('returns nothing for empty output', () => {
    expect(parsePsx('')).toEqual([]);
  });
});
