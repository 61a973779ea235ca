// watch's options at the door: --interval and --samples have bounds, and each error names its option.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseInterval, parseSamples, parseWatchOptions } from '../../src/cli/watch-options.js';
import { ExitCode } from '../../src/errors.js';

const bin = fileURLToPath(new URL('../../bin/kamheap.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url)));
const defaults = { heap: 'pkg', interval: '60', samples: '10', top: '15', maxPause: '30' };

describe('parseInterval', () => {
  it.each([
    ['60', 60_000],
    ['1', 1000],
    ['1.2', 1200],
    ['2147483.647', 2 ** 31 - 1],
  ])('%s s -> %i ms', (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });

  it.each(['0', '0.5', '2147483.648', '3000000', '-1', '1e3', 'abc', '', '.5'])('refuses %j, naming --interval and its bounds', (text) => {
    expect(() => parseInterval(text)).toThrow(/^--interval must be (a number of seconds )?from 1 to 2147483\.647 seconds \(about 24\.9 days, the longest a timer can wait\), not ".*"$/);
  });
});

describe('parseSamples', () => {
  it.each([['2', 2], ['10', 10], ['1000', 1000]])('%s -> %i', (text, n) => {
    expect(parseSamples(text)).toBe(n);
  });

  it.each(['0', '1', '1001', '99999999', '2.5', 'x'])('refuses %j, naming --samples', (text) => {
    expect(() => parseSamples(text)).toThrow(/^--samples must be/);
  });
});

it('checks every option into one object', () => {
  expect(parseWatchOptions('4711', { ...defaults, heap: 'shm', out: '/tmp/w' })).toEqual({
    pid: 4711,
    kind: 'shm',
    intervalMs: 60_000,
    samples: 10,
    top: 15,
    out: '/tmp/w',
    gdbPath: undefined,
    maxPauseMs: 30_000,
    stop: false,
    all: false,
  });
});

describe('the built CLI', () => {
  it.each([
    [['--interval', '0'], /^kamheap: --interval must be from 1 to 2147483\.647 seconds/],
    [['--interval', '3000000'], /^kamheap: --interval must be from 1 to 2147483\.647 seconds/],
    [['--samples', '1'], /^kamheap: --samples must be from 2/],
  ])('refuses watch %j as a usage error naming the option, before sampling anything', async (args, message) => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    const r = await execa(process.execPath, [bin, 'watch', '1', ...args], { reject: false });
    expect({ exitCode: r.exitCode, stdout: r.stdout }).toEqual({ exitCode: ExitCode.usage, stdout: '' });
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('--timeout');
  });
});
