import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sippArgs } from '../../testbed/load.js';
import { wakeRequest } from '../../testbed/sip-wake.js';

describe('sippArgs', () => {
  it('targets loopback with a bounded, tagged run', () => {
    const args = sippArgs(5080, { scenario: 'options', calls: 100, fill: 999 }, 'r1');
    expect(args[0]).toBe('127.0.0.1:5080');
    const value = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    expect(value('-i')).toBe('127.0.0.1');
    expect(value('-m')).toBe('100');
    expect(value('-r')).toBe('200');
    expect(value('-timeout')).toBe('31s');
    expect(args.join(' ')).toContain('-key run r1 -key xfill 999');
    expect(existsSync(value('-sf') ?? '')).toBe(true);
  });
});

describe('wakeRequest', () => {
  it('is a complete SIP request the testbed cfg drops', () => {
    const text = wakeRequest(5080, 't1');
    expect(text.startsWith('OPTIONS sip:wake@127.0.0.1:5080 SIP/2.0\r\n')).toBe(true);
    expect(text).toContain('\r\nX-Kamheap-Wake: 1\r\n');
    expect(text.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });
});
