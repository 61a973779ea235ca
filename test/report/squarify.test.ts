import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/snapshot/read-snapshot.js';
import { squarify, type Box } from '../../src/report/squarify.js';
import { layoutTreemap } from '../../src/report/treemap.js';
import { siteString } from '../../src/snapshot/site-string.js';
import { fixture } from './report-fixtures.js';

const box: Box = { x: 10, y: 20, w: 960, h: 440 };
const eps = 1e-6;

// True when `inner` lies within `outer` (to rounding).
function inside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x - eps && inner.y >= outer.y - eps && inner.x + inner.w <= outer.x + outer.w + eps && inner.y + inner.h <= outer.y + outer.h + eps;
}

// The area two boxes share.
function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

describe('squarify', () => {
  const shm = async (): Promise<number[]> => (await readSnapshot(fixture('snapshots/shm-before.json'))).sites.map((s) => s.bytes);
  it.each([
    ['one value', async () => [42]],
    ['equal values', async () => [5, 5, 5, 5, 5, 5, 5]],
    ['a steep tail', async () => [1_000_000, 1000, 100, 10, 1, 1, 1]],
    ['the sites of a real shm walk', shm],
  ])('%s: areas proportional to the values, inside the box, not overlapping', async (_name, values) => {
    const list = await values();
    const boxes = squarify(list, box);
    const total = list.reduce((a, b) => a + b, 0);
    expect(boxes).toHaveLength(list.length);
    boxes.forEach((b, i) => {
      expect(inside(b, box)).toBe(true);
      expect((b.w * b.h) / (box.w * box.h)).toBeCloseTo((list[i] ?? 0) / total, 9);
    });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i] as Box, boxes[j] as Box)).toBeLessThan(1e-6);
  });

  it('keeps rectangles near square for equal values (the point of squarifying)', () => {
    const boxes = squarify(new Array(16).fill(1), { x: 0, y: 0, w: 400, h: 400 });
    for (const b of boxes) expect(Math.max(b.w / b.h, b.h / b.w)).toBeLessThan(1.5);
  });

  it('gives zero and negative values empty boxes and an empty box nothing', () => {
    expect(squarify([0, 3, -1], box).map((b) => b.w * b.h)).toEqual([0, box.w * box.h, 0]);
    expect(squarify([1, 2], { x: 0, y: 0, w: 0, h: 10 }).every((b) => b.w * b.h === 0)).toBe(true);
  });
});

describe('treemap of a real snapshot', () => {
  it('has every site once, inside its file inside its module, files proportional within a module', async () => {
    const s = await readSnapshot(fixture('snapshots/shm-before.json'));
    const nodes = layoutTreemap(s.sites, box);
    const sites = nodes.filter((n) => n.level === 'site');
    expect(sites.map((n) => n.label).sort()).toEqual(s.sites.map(siteString).sort());
    let module = nodes[0];
    let file = nodes[0];
    for (const n of nodes) {
      expect(inside(n.box, box)).toBe(true);
      if (n.level === 'module') module = n;
      else if (n.level === 'file') {
        expect(n.module).toBe(module?.module);
        expect(inside(n.box, module?.box as Box)).toBe(true);
        file = n;
      } else {
        expect(inside(n.box, file?.box as Box)).toBe(true);
      }
    }
    const modules = nodes.filter((n) => n.level === 'module');
    const total = modules.reduce((a, n) => a + n.bytes, 0);
    expect(total).toBe(s.totals.used.bytes);
    for (const m of modules) expect((m.box.w * m.box.h) / (box.w * box.h)).toBeCloseTo(m.bytes / total, 9);
  });
});
