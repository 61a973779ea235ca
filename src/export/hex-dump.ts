// Classic hex dump lines: offset, 16 bytes in hex, and the printable text beside them.

/** `0000  73 69 70 3a ...  sip:...` lines for `bytes`. */
export function hexDump(bytes: Uint8Array, width = 16): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += width) {
    const row = bytes.subarray(at, Math.min(at + width, bytes.length));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(4, '0')}  ${hex.padEnd(width * 3 - 1)}  ${text}`);
  }
  return lines;
}

/** Runs of at least `min` printable characters, e.g. the URIs a leaking structure holds. */
export function printableStrings(bytes: Uint8Array, min = 6): string[] {
  const out: string[] = [];
  let run = '';
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f) {
      run += String.fromCharCode(b);
      continue;
    }
    if (run.length >= min) out.push(run);
    run = '';
  }
  if (run.length >= min) out.push(run);
  return out;
}
