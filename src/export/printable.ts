// Strings kamheap prints come from places it does not control: the target's memory (a site's file,
// function and module, a process's role), files (snapshots, logs, walk output) and the user's own
// arguments. Printed raw, an escape sequence in one of them drives the operator's terminal (moves
// the cursor, rewrites lines, sets the title) and a newline forges report lines. So every such
// string goes through `printable` on its way to a text report or an error line; JSON output needs
// nothing (JSON.stringify escapes control characters itself).

// C0 controls, DEL, C1 controls (U+0080..U+009F: a UTF-8 terminal takes U+009B as CSI), backslash.
const unsafe = /[\\\u0000-\u001f\u007f-\u009f]/g;

/** `text` with control characters as `\xNN` and "\" as "\\", so what is printed is unambiguous. */
export function printable(text: string): string {
  return text.replace(unsafe, (c) => (c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** `printable` for text of several lines (commander's messages): each line escaped, the newlines kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
