// Colour in text views: ANSI SGR sequences around already padded cells, so widths stay right; a
// Paint that does nothing when colour is off (not a TTY, NO_COLOR, --color never).

/** The few styles the views use. */
export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

// One SGR style: on, text, reset of that attribute.
function style(on: number, off: number): (text: string) => string {
  return (text) => (text === '' ? text : `\u001b[${on}m${text}\u001b[${off}m`);
}

const plain = (text: string): string => text;

/** A Paint that colours when `enabled`, and returns the text unchanged otherwise. */
export function paint(enabled: boolean): Paint {
  if (!enabled) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { bold: style(1, 22), dim: style(2, 22), red: style(31, 39), green: style(32, 39), yellow: style(33, 39), cyan: style(36, 39) };
}
