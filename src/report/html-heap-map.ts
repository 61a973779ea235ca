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

const cellW = 3;
const cellH = 7;
const gutter = 112;

/** The map's figure, or the note saying how to get one. */
export function heapMapHtml(map: HeapMap | { missing: string }, colors: ModuleColors, findings: readonly FindingRecord[]): string {
  if ('missing' in map) return `<p class="note">${escapeHtml(map.missing)}</p>`;
  const width = gutter + map.columns * cellW;
  const height = map.rows * cellH;
  const parts: string[] = [];
  for (let row = 0; row < map.rows; row++) {
    parts.push(...rowRuns(map, row, colors));
    if (row % 8 === 0) parts.push(`<text x="0" y="${row * cellH + cellH}" font-size="9">${hex(map.start + BigInt(row * map.columns * map.bytesPerCell))}</text>`);
  }
  for (const mark of map.marks) parts.push(markSvg(map, mark.cell, findings[mark.finding]));
  const caption = `${hex(map.start)} to ${hex(map.end)} (${sizeText(Number(map.end - map.start))}), ${map.fragments} fragments; each cell ${sizeText(map.bytesPerCell)}, each row ${sizeText(map.bytesPerCell * map.columns)}; a cell takes the colour of what holds most of it.`;
  return `<figure class="heapmap"><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="heap map">${parts.join('')}</svg><figcaption>${escapeHtml(caption)}</figcaption>${legendHtml(colors, [{ label: 'free', color: freeColor }, { label: 'finding (corruption)', color: '#d00000' }])}</figure>`;
}

// The rectangles of one row: consecutive cells with the same holder become one.
function rowRuns(map: HeapMap, row: number, colors: ModuleColors): string[] {
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
    if (top !== undefined) runs.push(runSvg(map, { start, end, top, used, free }, colors));
    start = end;
  }
  return runs;
}

// One run of cells with its tooltip: the address range, its holder, used and free bytes in it.
function runSvg(map: HeapMap, run: { start: number; end: number; top: string; used: number; free: number }, colors: ModuleColors): string {
  const col = run.start % map.columns;
  const row = Math.floor(run.start / map.columns);
  const from = map.start + BigInt(run.start * map.bytesPerCell);
  const to = map.start + BigInt(run.end * map.bytesPerCell);
  const holder = run.top === freeKey ? 'free' : moduleLabel(run.top);
  const color = run.top === freeKey ? freeColor : colors.of(run.top);
  const tip = `${hex(from)}-${hex(to)}: mostly ${holder}\nused ${sizeText(run.used)}, free ${sizeText(run.free)}`;
  return `<rect x="${gutter + col * cellW}" y="${row * cellH}" width="${(run.end - run.start) * cellW}" height="${cellH - 1}" fill="${color}" data-holder="${escapeHtml(holder)}"><title>${escapeHtml(tip)}</title></rect>`;
}

// A red mark on the cell of a finding, with the finding as its tooltip.
function markSvg(map: HeapMap, cell: number, finding: FindingRecord | undefined): string {
  const x = gutter + (cell % map.columns) * cellW + cellW / 2;
  const y = Math.floor(cell / map.columns) * cellH + cellH / 2;
  const tip = finding ? `${finding.kind} at ${finding.address}: ${finding.message}` : 'finding';
  return `<g class="finding-mark"><circle cx="${x}" cy="${y}" r="6" fill="none" stroke="#d00000" stroke-width="2"/><rect x="${x - cellW / 2}" y="${y - cellH / 2}" width="${cellW}" height="${cellH - 1}" fill="#d00000"/><title>${escapeHtml(tip)}</title></g>`;
}
