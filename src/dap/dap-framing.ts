// The Debug Adapter Protocol's wire format, with no I/O: each message is a header block
// (`Content-Length: N`, CRLF-terminated lines, an empty line) followed by N bytes of JSON.
// An adapter is untrusted input here: the header and the body are bounded, so a broken or
// hostile adapter makes kamheap fail with one line instead of buffering without end.
//
//   message = header* CRLF body
//   header  = name ":" SP value CRLF        (only Content-Length is read; others are skipped)
//   body    = JSON object, exactly Content-Length bytes
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapProtocolError } from '../gdb/gdb-errors.js';

/** Longest header block accepted (gdb and lldb send only Content-Length: ~25 bytes). */
export const maxHeaderBytes = 1024;
/**
 * Largest body accepted: a readMemory answer carries its bytes in base64 (4/3 of the bytes asked
 * for, kamheap asks for at most 4 MiB at a time), plus a little JSON.
 */
export const maxBodyBytes = 8 * 1024 * 1024;

/** Turns the bytes an adapter writes into its messages, whatever the chunks they arrive in. */
export class DapFrameReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** The body length of the message whose header was read, while its body is awaited. */
  private bodyBytes: number | undefined;

  /** Adds bytes; returns the messages now complete, in order. Throws DapProtocolError on a broken frame. */
  push(chunk: Buffer): DebugProtocol.ProtocolMessage[] {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    const messages: DebugProtocol.ProtocolMessage[] = [];
    for (;;) {
      const message = this.next();
      if (message === undefined) return messages;
      messages.push(message);
    }
  }

  // One message out of the buffer, or undefined when more bytes are needed.
  private next(): DebugProtocol.ProtocolMessage | undefined {
    if (this.bodyBytes === undefined) {
      const all = this.joined();
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        if (all.length > maxHeaderBytes) throw new DapProtocolError(`a DAP header longer than ${maxHeaderBytes} bytes`);
        return undefined;
      }
      if (end > maxHeaderBytes) throw new DapProtocolError(`a DAP header longer than ${maxHeaderBytes} bytes`);
      this.bodyBytes = contentLength(all.subarray(0, end).toString('latin1'));
      this.keep(all.subarray(end + 4));
    }
    if (this.bufferedBytes < this.bodyBytes) return undefined;
    const all = this.joined();
    const body = all.subarray(0, this.bodyBytes);
    this.keep(all.subarray(this.bodyBytes));
    this.bodyBytes = undefined;
    return parseBody(body);
  }

  // The buffered chunks as one buffer (joined only when a frame boundary is looked for).
  private joined(): Buffer {
    if (this.buffered.length === 1) return this.buffered[0] ?? Buffer.alloc(0);
    const all = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [all];
    return all;
  }

  private keep(rest: Buffer): void {
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
  }
}

/** The Content-Length of a header block: present once, a decimal number within the bound. */
export function contentLength(header: string): number {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) throw new DapProtocolError(`a DAP header line without a colon: "${line.slice(0, 40)}"`);
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (length !== undefined || !/^[0-9]{1,10}$/.test(value)) throw new DapProtocolError(`a bad DAP Content-Length: "${value.slice(0, 20)}"`);
    length = Number(value);
  }
  if (length === undefined) throw new DapProtocolError('a DAP header without Content-Length');
  if (length > maxBodyBytes) throw new DapProtocolError(`a DAP message of ${length} bytes (more than ${maxBodyBytes})`);
  return length;
}

/** A body as a protocol message: a JSON object with a numeric seq and a string type. */
export function parseBody(body: Buffer): DebugProtocol.ProtocolMessage {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new DapProtocolError('a DAP message that is not JSON');
  }
  if (!isProtocolMessage(value)) throw new DapProtocolError('a DAP message without seq and type');
  return value;
}

/** The bytes of one message as an adapter expects them. */
export function encodeMessage(message: DebugProtocol.ProtocolMessage): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

function isProtocolMessage(value: unknown): value is DebugProtocol.ProtocolMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record['seq'] === 'number' && typeof record['type'] === 'string';
}
