// CSV as RFC 4180 has it: comma-separated, CRLF line ends, a cell quoted when it holds a comma, a
// quote, CR or LF (quotes doubled inside). Text cells here come from the target's memory (a site's
// module, file and function, a process's role): a spreadsheet runs a cell that starts with = + - @
// (or a tab or CR) as a formula, so such a text cell gets a leading "'" and is shown as text.
// Numbers are kamheap's own and stay numbers (a negative delta keeps its "-").

/** One cell: text (guarded against formulas), a number, or empty. */
export type CsvCell = string | number | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

/** The text of one cell, guarded and quoted as needed. */
export function csvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  const text = formulaStart.test(cell) ? `'${cell}` : cell;
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header line and one line per row, each ended by CRLF. */
export function csvTable(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
