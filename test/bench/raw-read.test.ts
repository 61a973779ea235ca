// The floor's output line (bench/raw-read.c), as captured from real runs on a 64 MB shm heap.
import { describe, expect, it } from 'vitest';
import { parseRawRead } from '../../bench/raw-read.js';

describe('parseRawRead', () => {
  it('reads a stopped read: attach, read, detach and the whole pause', () => {
    expect(parseRawRead('mode=stop bytes=29124976 threads=1 attach_us=201 read_us=78045 detach_us=58 pause_us=78304\n')).toEqual({
      mode: 'stop',
      bytes: 29_124_976,
      threads: 1,
      attachMs: 0.201,
      readMs: 78.045,
      detachMs: 0.058,
      pauseMs: 78.304,
    });
  });

  it('reads a live read (no pause)', () => {
    const live = parseRawRead('mode=live bytes=29124976 threads=0 attach_us=0 read_us=86343 detach_us=0 pause_us=0');
    expect(live.mode).toBe('live');
    expect(live.readMs).toBe(86.343);
    expect(live.pauseMs).toBe(0);
  });

  it.each([
    ['no mode', 'bytes=1 threads=0 attach_us=0 read_us=1 detach_us=0 pause_us=0'],
    ['an unknown mode', 'mode=half bytes=1 threads=0 attach_us=0 read_us=1 detach_us=0 pause_us=0'],
    ['a missing figure', 'mode=live bytes=1 threads=0'],
    ['a negative figure', 'mode=live bytes=-1 threads=0 attach_us=0 read_us=1 detach_us=0 pause_us=0'],
    ['an error message', 'raw-read: pread at 0x1: Input/output error'],
  ])('throws on %s', (_, line) => {
    expect(() => parseRawRead(line)).toThrow(/raw-read/);
  });
});
