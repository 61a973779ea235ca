// The fast fills' pure parts: the split into requests, the db_text table, and the SIP messages.
import { describe, expect, it } from 'vitest';
import { cellRequests, itemsTable } from '../../bench/fill.js';
import { optionsRequest, parseReply } from '../../bench/sip-request.js';

describe('cellRequests', () => {
  it.each([
    [100_000, 500_000, [100_000]],
    [1_000_000, 500_000, [500_000, 500_000]],
    [1_200_001, 500_000, [500_000, 500_000, 200_001]],
    [0, 500_000, []],
  ])('%i cells in requests of %i: %j', (cells, per, steps) => {
    expect(cellRequests(cells, per)).toEqual(steps);
  });
});

describe('itemsTable', () => {
  it('is a db_text table: a typed header, then id and four distinct strings per row', () => {
    expect(itemsTable(2)).toBe('id(int) s0(str) s1(str) s2(str) s3(str)\n0:v0-0:v1-0:v2-0:v3-0\n1:v0-1:v1-1:v2-1:v3-1\n');
  });
});

describe('optionsRequest', () => {
  it('asks for the answer at the sending port (Via port and rport), with the extra headers', () => {
    const text = optionsRequest(5080, 40000, 'bench-cells-1-1', { 'X-Fill': '499999' });
    expect(text.split('\r\n')).toEqual([
      'OPTIONS sip:bench@127.0.0.1:5080 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:40000;rport;branch=z9hG4bK-bench-cells-1-1',
      'Max-Forwards: 70',
      'From: <sip:bench@127.0.0.1>;tag=bench-cells-1-1',
      'To: <sip:bench@127.0.0.1:5080>',
      'Call-ID: bench-cells-1-1',
      'CSeq: 1 OPTIONS',
      'X-Fill: 499999',
      'Content-Length: 0',
      '',
      '',
    ]);
  });
});

describe('parseReply', () => {
  it("reads Kamailio's answer to a pkg fill: status, and headers by lower-case name", () => {
    const reply = parseReply(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;rport=40000;branch=z9hG4bK-x\r\nCall-ID: bench-pkg-1-2\r\nX-Pid: 25148\r\nX-Rows: 45000\r\nContent-Length: 0\r\n\r\n',
    );
    expect(reply.status).toBe(200);
    expect(reply.reason).toBe('OK');
    expect(reply.headers.get('x-pid')).toBe('25148');
    expect(reply.headers.get('x-rows')).toBe('45000');
    expect(reply.headers.get('call-id')).toBe('bench-pkg-1-2');
  });

  it('refuses a request', () => {
    expect(() => parseReply('OPTIONS sip:x SIP/2.0\r\n\r\n')).toThrow(/not a SIP response/);
  });
});
