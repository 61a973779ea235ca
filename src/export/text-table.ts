// One table layout for the text views: right-aligned number columns as wide as their widest cell,
// then a name column (a site string, a module...) that gets what is left of the width, its long
// names cut in the middle. Colour is put on after padding, so it never shifts a column.
import type { Paint } from './paint.js';
import { elideMiddle } from './text-fit.js';

/** A column of cells, one per row; `colour` paints a padded cell. */
export interface TableColumn {
  head: string;
  cells: readonly string[];
  align?: 'right' | 'left';
  colour?: (text: string, row: number) => string;
}

/** The narrowest a name column gets, however many number columns come before it. */
const minNameWidth = 24;

/** The heading line and one line per row, each at most `width` wide (but for the name column's minimum, `minName`). */
export function tableLines(columns: readonly TableColumn[], name: TableColumn, width: number, paint: Paint, indent = '', minName = minNameWidth): string[] {
  const widths = columns.map((c) => Math.max(c.head.length, ...c.cells.map((cell) => cell.length)));
  const fixed = indent.length + widths.reduce((n, w) => n + w + 1, 0) + 1;
  const nameWidth = Math.max(minName, width - fixed);
  const pad = (text: string, i: number): string => {
    const w = widths[i] ?? 0;
    return columns[i]?.align === 'left' ? text.padEnd(w) : text.padStart(w);
  };
  const heading = `${indent}${columns.map((c, i) => pad(c.head, i)).join(' ')}  ${name.head}`;
  const lines = [paint.bold(heading.trimEnd())];
  for (let row = 0; row < name.cells.length; row++) {
    const cells = columns.map((c, i) => {
      const text = pad(c.cells[row] ?? '', i);
      return c.colour ? c.colour(text, row) : text;
    });
    const nameText = elideMiddle(name.cells[row] ?? '', nameWidth);
    lines.push(`${indent}${cells.join(' ')}  ${name.colour ? name.colour(nameText, row) : nameText}`.trimEnd());
  }
  return lines;
}
