import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFollower, logTail } from '../../testbed/log-follower.js';

describe('LogFollower', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kamheap-follower-'));
    file = join(dir, 'log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees only lines appended after it was created', async () => {
    writeFileSync(file, 'old 1\nold 2\n');
    const follower = await LogFollower.fromEnd(file);
    expect(await follower.readLines()).toEqual([]);
    appendFileSync(file, 'new 1\nnew 2\n');
    expect(await follower.readLines()).toEqual(['new 1', 'new 2']);
    expect(await follower.readLines()).toEqual([]);
  });

  it('holds back a line until its newline arrives', async () => {
    writeFileSync(file, '');
    const follower = await LogFollower.fromEnd(file);
    appendFileSync(file, 'first\nsec');
    expect(await follower.readLines()).toEqual(['first']);
    appendFileSync(file, 'ond\n');
    expect(await follower.readLines()).toEqual(['second']);
  });

  it('drops the rest of a line it started in the middle of', async () => {
    writeFileSync(file, 'whole\nhal');
    const follower = await LogFollower.fromEnd(file);
    appendFileSync(file, 'f line\nnext\n');
    expect(await follower.readLines()).toEqual(['next']);
  });

  it('reads from the first byte when asked', async () => {
    writeFileSync(file, 'a\nb\n');
    expect(await LogFollower.fromStart(file).readLines()).toEqual(['a', 'b']);
  });
});

describe('logTail', () => {
  it('returns the last lines, or nothing for a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kamheap-tail-'));
    try {
      const file = join(dir, 'log');
      writeFileSync(file, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n');
      expect((await logTail(file, 3)).trim().split('\n')).toEqual(['line 97', 'line 98', 'line 99']);
      expect(await logTail(join(dir, 'missing'))).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
