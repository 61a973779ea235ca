// The view options, checked at the boundary.
import { describe, expect, it } from 'vitest';
import { colorOn, parseViewOptions, viewWidth, type RawViewOptions } from '../../src/cli/view-options.js';
import { ExitCode, KamheapError } from '../../src/errors.js';

const raw = (change: Partial<RawViewOptions> = {}): RawViewOptions => ({ by: 'site', sort: 'bytes', color: 'auto', top: '20', ...change });

describe('parseViewOptions', () => {
  it('gives the defaults: by site, sort bytes, human sizes, 80 columns, no colour on a pipe', () => {
    const view = parseViewOptions(raw(), { isTTY: false }, {});
    expect(view).toMatchObject({ query: { by: 'site', sort: 'bytes', module: undefined, match: undefined }, top: 20, sizes: 'human', width: 80 });
    expect(view.paint.bold('x')).toBe('x');
  });

  it('reads --by, --sort, --module, --match, --bytes', () => {
    const view = parseViewOptions(raw({ by: 'module', sort: 'name', module: 'tm', match: 'h_table', bytes: true }), { isTTY: false }, {});
    expect(view).toMatchObject({ query: { by: 'module', sort: 'name', module: 'tm', match: 'h_table' }, sizes: 'raw' });
  });

  it.each<[Partial<RawViewOptions>, RegExp]>([
    [{ by: 'line' }, /^--by must be site, function, file, module, not "line"$/],
    [{ sort: 'size' }, /^--sort must be bytes, count, name/],
    [{ color: 'yes' }, /^--color must be auto, always, never/],
    [{ match: '' }, /^--match needs a non-empty text$/],
    [{ top: '-1' }, /^--top must be a non-negative integer/],
  ])('refuses %j as a usage error', (change, message) => {
    let error: unknown;
    try {
      parseViewOptions(raw(change), { isTTY: false }, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KamheapError);
    expect((error as KamheapError).exitCode).toBe(ExitCode.usage);
    expect((error as Error).message).toMatch(message);
  });

  it('colours a terminal, and paints with SGR sequences', () => {
    expect(parseViewOptions(raw(), { isTTY: true, columns: 120 }, {}).paint.red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('colorOn', () => {
  it.each<[string, boolean, Record<string, string>, boolean]>([
    ['auto', true, {}, true],
    ['auto', false, {}, false],
    ['auto', true, { NO_COLOR: '1' }, false],
    ['auto', true, { NO_COLOR: '' }, true],
    ['always', false, { NO_COLOR: '1' }, true],
    ['never', true, {}, false],
  ])('%s, TTY %s, env %j: %s', (mode, tty, env, on) => {
    expect(colorOn(mode as 'auto', tty, env)).toBe(on);
  });
});

describe('viewWidth', () => {
  it.each<[string | undefined, number | undefined, number]>([
    [undefined, undefined, 80],
    [undefined, 132, 132],
    ['100', 132, 100],
    ['wide', 60, 60],
    ['10', undefined, 40],
  ])('COLUMNS %j, terminal %j: %i', (env, terminal, width) => {
    expect(viewWidth(env, terminal)).toBe(width);
  });
});
