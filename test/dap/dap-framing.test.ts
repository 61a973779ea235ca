// The DAP frame reader on gdb 16's real output (test/fixtures/dap/, captured by capture.mjs from a
// live Kamailio), however it is chunked; and every broken or oversized frame refused, not buffered.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentLength, DapFrameReader, encodeMessage, maxBodyBytes, maxHeaderBytes } from '../../src/dap/dap-framing.js';
import { DapProtocolError } from '../../src/gdb/gdb-errors.js';

const capture = readFileSync(new URL('../fixtures/dap/gdb-16.3-session.dap', import.meta.url));
const facts = JSON.parse(readFileSync(new URL('../fixtures/dap/gdb-16.3-session.json', import.meta.url), 'utf8')) as { pkgRootAddress: string; pkgRootBytes: string };

/** Every message of `bytes` fed in chunks of `size`. */
function readAll(bytes: Buffer, size: number): DebugProtocol.ProtocolMessage[] {
  const reader = new DapFrameReader();
  const out: DebugProtocol.ProtocolMessage[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...reader.push(bytes.subarray(i, i + size)));
  return out;
}

/** What the captured session says, one word per message: a response's command or an event's name. */
function outline(messages: DebugProtocol.ProtocolMessage[]): string[] {
  return messages.map((m) => (m.type === 'response' ? (m as DebugProtocol.Response).command : `event:${(m as DebugProtocol.Event).event}`));
}

describe('DapFrameReader on gdb 16.3', () => {
  const whole = readAll(capture, capture.length);

  it('reads the captured session: every response and event, in order', () => {
    expect(outline(whole)).toEqual([
      'initialize', 'event:initialized', 'evaluate', 'evaluate', 'event:module', 'evaluate', 'evaluate', 'evaluate', 'evaluate', 'evaluate',
      'configurationDone', 'event:process', 'event:thread', 'event:module', 'event:stopped', 'attach', 'evaluate', 'readMemory', 'readMemory', 'disconnect',
    ]);
    expect(whole.map((m) => m.seq)).toEqual(whole.map((_, i) => i + 1));
  });

  it.each([1, 2, 7, 64, 1000, 4096])('reads the same messages when the bytes come %i at a time', (size) => {
    expect(readAll(capture, size)).toEqual(whole);
  });

  it('keeps what gdb said: the attach answered after the stopped event, readMemory bytes as /proc/PID/mem has them, a refused read', () => {
    const responses = whole.filter((m): m is DebugProtocol.Response => m.type === 'response');
    const stopped = whole.findIndex((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped');
    expect(whole.findIndex((m) => m.type === 'response' && (m as DebugProtocol.Response).command === 'attach')).toBeGreaterThan(stopped);
    const [read, refused] = responses.filter((r) => r.command === 'readMemory') as DebugProtocol.ReadMemoryResponse[];
    expect(read?.body?.address).toBe(facts.pkgRootAddress);
    expect(Buffer.from(read?.body?.data ?? '', 'base64').toString('hex')).toBe(facts.pkgRootBytes);
    expect(refused).toMatchObject({ success: false, message: 'Cannot access memory at address 0x0' });
    const strings = responses.filter((r) => r.command === 'evaluate').map((r) => (r as DebugProtocol.EvaluateResponse).body?.result);
    expect(strings).toContain('"5.6.3"');
    expect(strings).toContain('type = <data variable, no debug info>\n');
  });

  it('round-trips what it encodes', () => {
    const request: DebugProtocol.Request = { seq: 7, type: 'request', command: 'evaluate', arguments: { expression: 'x "ü"', context: 'watch' } };
    expect(readAll(encodeMessage(request), 3)).toEqual([request]);
  });
});

describe('DapFrameReader refuses', () => {
  it.each([
    ['a header without Content-Length', 'X-Other: 1\r\n\r\n{}', /without Content-Length/],
    ['a header line without a colon', 'Content-Length 2\r\n\r\n{}', /without a colon/],
    ['a length that is not a number', 'Content-Length: 2x\r\n\r\n{}', /bad DAP Content-Length/],
    ['a negative length', 'Content-Length: -2\r\n\r\n{}', /bad DAP Content-Length/],
    ['two lengths', 'Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}', /bad DAP Content-Length/],
    ['a body that is not JSON', 'Content-Length: 5\r\n\r\n{oops', /not JSON/],
    ['a JSON body that is not a message', 'Content-Length: 2\r\n\r\n[]', /without seq and type/],
    ['a message without seq', 'Content-Length: 17\r\n\r\n{"type":"event"}\n', /without seq and type/],
  ])('%s', (_name, text, message) => {
    expect(() => new DapFrameReader().push(Buffer.from(text, 'latin1'))).toThrow(message);
  });

  it('a body larger than the bound, before any of it is buffered', () => {
    expect(() => new DapFrameReader().push(Buffer.from(`Content-Length: ${maxBodyBytes + 1}\r\n\r\n`))).toThrow(DapProtocolError);
    expect(contentLength(`Content-Length: ${maxBodyBytes}`)).toBe(maxBodyBytes);
  });

  it('a header that never ends, once it passes the bound', () => {
    const reader = new DapFrameReader();
    expect(reader.push(Buffer.alloc(maxHeaderBytes, 0x20))).toEqual([]);
    expect(() => reader.push(Buffer.from(' '))).toThrow(/header longer than 1024 bytes/);
  });
});
