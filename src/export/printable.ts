// Strings kamheap prints come from places it does not control: the target's memory (a site's file,
// function and module, a process's role), files (snapshots, logs, walk output) and the user's own
// arguments. Printed raw, an escape sequence in one of them drives the operator's terminal (moves
// the cursor, rewrites lines, sets the title) and a newline forges report lines. So every such
// string goes through `printable` on its way to a text report or an error line; JSON output needs
// nothing (JSON.stringify escapes control characters itself).

// C0 controls, DEL, C1 controls (U+0080..U+009F: a UTF-8 terminal takes U+009B as CSI), backslash;
// and the bidirectional overrides and isolates (U+202A..U+202E, U+2066..U+2069), which make a
// terminal show text in another order than it is (a site name that reads as another).
const unsafe = /[\\\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with control characters as `\xNN` (bidi controls as `\uNNNN`) and "\" as "\\", so what is printed is unambiguous. */
export function printable(text: string): string {
  return text.replace(unsafe, (c) => {
    if (c === '\\') return '\\\\';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** `printable` for text of several lines (commander's messages): each line escaped, the newlines kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
