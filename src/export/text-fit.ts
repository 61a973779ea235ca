// Fitting text views into a terminal's width (80 columns unless a wider TTY says otherwise): long
// names lose their middle (`inspect --site` reads a name with the mark as prefix…suffix), long lines
// of "name value" parts wrap between parts.

import { elisionMark as elision } from '../snapshot/site-selector.js';

/** `text` cut to `width` characters by replacing its middle with "…" (the end holds a site's function and line). */
export function elideMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return elision.slice(0, width);
  const tail = Math.ceil((width - 1) / 2);
  const head = width - 1 - tail;
  return `${text.slice(0, head)}${elision}${text.slice(text.length - tail)}`;
}

/** Parts joined by `separator` after `indent` (`next` on the lines after the first), wrapped into lines of at most `width` (a part too long for any line alone on its own). */
export function wrapParts(parts: readonly string[], width: number, indent = '  ', separator = '  ', next = indent): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line === '') line = `${indent}${part}`;
    else if (line.length + separator.length + part.length <= width) line = `${line}${separator}${part}`;
    else {
      lines.push(line);
      line = `${next}${part}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Text wrapped between words into lines of at most `width`, each starting with `indent`. */
export function wrapWords(text: string, width: number, indent = '  '): string[] {
  return wrapParts(text.split(' '), width, indent, ' ');
}
