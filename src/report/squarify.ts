// The squarified treemap layout (Bruls, Huizing, van Wijk, 2000): items laid out in rows along the
// shorter side of the remaining box, a row closed as soon as adding the next item would make its
// worst aspect ratio worse. Areas are proportional to the values; every rectangle is inside the box.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Lays out `values` (largest first gives the best ratios) in `box`; returns one box per value, in order. Zero and negative values get empty boxes. */
export function squarify(values: readonly number[], box: Box): Box[] {
  const out: Box[] = values.map(() => ({ x: box.x, y: box.y, w: 0, h: 0 }));
  const total = values.reduce((sum, v) => sum + Math.max(v, 0), 0);
  if (total <= 0 || box.w <= 0 || box.h <= 0) return out;
  const scale = (box.w * box.h) / total;
  const items = values.map((v, i) => ({ i, area: Math.max(v, 0) * scale })).filter((item) => item.area > 0);
  let rest: Box = { ...box };
  let row: typeof items = [];
  for (const item of items) {
    const side = Math.min(rest.w, rest.h);
    if (row.length === 0 || worst([...row, item], side) <= worst(row, side)) {
      row.push(item);
      continue;
    }
    rest = placeRow(row, rest, out);
    row = [item];
  }
  if (row.length > 0) placeRow(row, rest, out, true);
  return out;
}

// The worst aspect ratio of a row of areas laid along a side of length `side`.
function worst(row: ReadonlyArray<{ area: number }>, side: number): number {
  const sum = row.reduce((s, r) => s + r.area, 0);
  let max = 0;
  let min = Infinity;
  for (const r of row) {
    max = Math.max(max, r.area);
    min = Math.min(min, r.area);
  }
  const side2 = side * side;
  const sum2 = sum * sum;
  return Math.max((side2 * max) / sum2, sum2 / (side2 * min));
}

// Places a row along the shorter side of `rest` and returns what is left; the last row fills it exactly.
function placeRow(row: ReadonlyArray<{ i: number; area: number }>, rest: Box, out: Box[], last = false): Box {
  const sum = row.reduce((s, r) => s + r.area, 0);
  const horizontal = rest.w >= rest.h; // the row is a column at the left edge
  const thickness = last ? (horizontal ? rest.w : rest.h) : Math.min(sum / (horizontal ? rest.h : rest.w), horizontal ? rest.w : rest.h);
  let offset = 0;
  const length = horizontal ? rest.h : rest.w;
  row.forEach((r, k) => {
    // The last item ends exactly at the far edge, so rounding never leaves the box.
    const extent = k === row.length - 1 ? length - offset : (r.area / sum) * length;
    out[r.i] = horizontal ? { x: rest.x, y: rest.y + offset, w: thickness, h: extent } : { x: rest.x + offset, y: rest.y, w: extent, h: thickness };
    offset += extent;
  });
  return horizontal ? { x: rest.x + thickness, y: rest.y, w: rest.w - thickness, h: rest.h } : { x: rest.x, y: rest.y + thickness, w: rest.w, h: rest.h - thickness };
}
