// The heap map as SVG: the heap's address range as rows of fixed width, each cell in the colour of
// the module holding most of it (free memory grey, no fragment blank), runs of equal cells drawn as
// one rectangle, and findings (corruption) marked in red. The cells are bounded (heap-map.ts), so
// the drawing is too, whatever the fragment count.
import { sizeText } from '../export/size-text.js';
import type { FindingRecord } from '../snapshot/snapshot.js';
import { hex } from '../util/hex.js';
import { escapeHtml } from './html-escape.js';
import { legendHtml } from './html-treemap.js';
import { freeKey, type HeapMap } from './heap-map.js';
import { freeColor, moduleLabel, type ModuleColors } from './module-colors.js';

const cellW = 4;
const cellH = 9;
const gutter = 112;
/** This many free rows in a row, or more, are drawn as one band. */
const foldAt = 4;

/** The map's figure, or the note saying how to get one. */
export function heapMapHtml(map: HeapMap | { missing: string }, colors: ModuleColors, findings: readonly FindingRecord[]): string {
  if ('missing' in map) return `<p class="note">${escapeHtml(map.missing)}</p>`;
  const width = gutter + map.columns * cellW;
  const parts: string[] = [];
  const rowY = new Map<number, number>();
  let y = 0;
  for (let row = 0; row < map.rows; ) {
    const folded = freeRowsFrom(map, row);
    if (folded >= foldAt) {
      // A long stretch of free rows is one band: the map stays about the heap's contents.
      const bytes = folded * map.columns * map.bytesPerCell;
      parts.push(`<rect x="${gutter}" y="${y}" width="${map.columns * cellW}" height="${cellH * 2 - 1}" fill="${freeColor}"><title>${escapeHtml(`${hex(rowStart(map, row))}-${hex(rowStart(map, row + folded))}: free`)}</title></rect><text x="${gutter + 6}" y="${y + cellH + 3}" font-size="10">${escapeHtml(`${folded} rows (${sizeText(bytes)}) all free`)}</text><text x="0" y="${y + cellH + 3}" font-size="9">${hex(rowStart(map, row))}</text>`);
      y += cellH * 2;
      row += folded;
      continue;
    }
    rowY.set(row, y);
    parts.push(...rowRuns(map, row, y, colors));
    if (row % 8 === 0) parts.push(`<text x="0" y="${y + cellH}" font-size="9">${hex(rowStart(map, row))}</text>`);
    y += cellH;
    row++;
  }
  for (const mark of map.marks) parts.push(markSvg(map, mark.cell, rowY.get(Math.floor(mark.cell / map.columns)) ?? 0, findings[mark.finding]));
  const height = y;
  const caption = `${hex(map.start)} to ${hex(map.end)} (${sizeText(Number(map.end - map.start))}), ${map.fragments} fragments; each cell ${sizeText(map.bytesPerCell)}, each row ${sizeText(map.bytesPerCell * map.columns)}; a cell takes the colour of what holds most of it.`;
  return `<figure class="heapmap"><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="heap map">${parts.join('')}</svg><figcaption>${escapeHtml(caption)}</figcaption>${legendHtml(colors, [{ label: 'free', color: freeColor }, { label: 'finding (corruption)', color: '#d00000' }])}</figure>`;
}

// The address where a row starts.
function rowStart(map: HeapMap, row: number): bigint {
  return map.start + BigInt(row * map.columns * map.bytesPerCell);
}

// How many rows from `row` on hold nothing but free memory (whole rows, no finding in them).
function freeRowsFrom(map: HeapMap, row: number): number {
  let n = 0;
  for (let r = row; r < map.rows; r++) {
    const cells = map.cells.slice(r * map.columns, (r + 1) * map.columns);
    if (cells.length < map.columns || !cells.every((c) => c.top === freeKey) || map.marks.some((m) => Math.floor(m.cell / map.columns) === r)) break;
    n++;
  }
  return n;
}

// The rectangles of one row, drawn at `y`: consecutive cells with the same holder become one.
function rowRuns(map: HeapMap, row: number, y: number, colors: ModuleColors): string[] {
  const runs: string[] = [];
  const first = row * map.columns;
  const last = Math.min(map.cells.length, first + map.columns);
  for (let start = first; start < last; ) {
    const top = map.cells[start]?.top;
    let end = start + 1;
    let used = map.cells[start]?.used ?? 0;
    let free = map.cells[start]?.free ?? 0;
    while (end < last && map.cells[end]?.top === top) {
      used += map.cells[end]?.used ?? 0;
      free += map.cells[end]?.free ?? 0;
      end++;
    }
    if (top !== undefined) runs.push(runSvg(map, { start, end, top, used, free }, y, colors));
    start = end;
  }
  return runs;
}

// One run of cells with its tooltip: the address range, its holder, used and free bytes in it.
function runSvg(map: HeapMap, run: { start: number; end: number; top: string; used: number; free: number }, y: number, colors: ModuleColors): string {
  const col = run.start % map.columns;
  const from = map.start + BigInt(run.start * map.bytesPerCell);
  const to = map.start + BigInt(run.end * map.bytesPerCell);
  const holder = run.top === freeKey ? 'free' : moduleLabel(run.top);
  const color = run.top === freeKey ? freeColor : colors.of(run.top);
  const tip = `${hex(from)}-${hex(to)}: mostly ${holder}\nused ${sizeText(run.used)}, free ${sizeText(run.free)}`;
  return `<rect x="${gutter + col * cellW}" y="${y}" width="${(run.end - run.start) * cellW}" height="${cellH - 1}" fill="${color}" data-holder="${escapeHtml(holder)}"><title>${escapeHtml(tip)}</title></rect>`;
}

// A red mark on the cell of a finding, with the finding as its tooltip.
function markSvg(map: HeapMap, cell: number, rowTop: number, finding: FindingRecord | undefined): string {
  const x = gutter + (cell % map.columns) * cellW + cellW / 2;
  const y = rowTop + cellH / 2;
  const tip = finding ? `${finding.kind} at ${finding.address}: ${finding.message}` : 'finding';
  return `<g class="finding-mark"><circle cx="${x}" cy="${y}" r="6" fill="none" stroke="#d00000" stroke-width="2"/><rect x="${x - cellW / 2}" y="${y - cellH / 2}" width="${cellW}" height="${cellH - 1}" fill="#d00000"/><title>${escapeHtml(tip)}</title></g>`;
}
