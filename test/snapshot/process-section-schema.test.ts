// `walk --all` sections in the schema: nsPid is optional (snapshots of an instance in kamheap's
// own PID namespace, and older ones, have none) and, when present, a PID.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { snapshotProblem } from '../../src/snapshot/validate-snapshot.js';

const before = JSON.parse(readFileSync(new URL('../fixtures/snapshots/shm-before.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const withSection = (section: Record<string, unknown>): unknown => ({
  ...before,
  processes: [section],
  pkgAggregate: { processes: 0, size: 0, realUsed: 0, free: 0, used: { count: 0, bytes: 0 }, sites: [] },
});

describe('processes[].nsPid', () => {
  it.each([
    ['absent', { pid: 4711, index: 1, role: 'timer', error: 'PID 4711 exited during the walk' }, undefined],
    ['a PID', { pid: 4711, nsPid: 7, index: 1, role: 'timer', error: 'PID 4711 exited during the walk' }, undefined],
    ['0', { pid: 4711, nsPid: 0, index: 1, role: 'timer', error: 'x' }, '/processes/0/nsPid must be >= 1'],
    ['text', { pid: 4711, nsPid: '7', index: 1, role: 'timer', error: 'x' }, '/processes/0/nsPid must be integer'],
  ])('%s', (_name, section, problem) => {
    expect(snapshotProblem(withSection(section))).toBe(problem);
  });
});
