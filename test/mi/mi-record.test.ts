// Typed accessors over parsed tuples, exercised on a real -thread-info result.
import { describe, expect, it } from 'vitest';
import { parseMiLine } from '../../src/mi/parse-mi-line.js';
import { isMiTuple, miList, miOptString, miString, miTuple, MiShapeError, type MiTuple } from '../../src/mi/mi-record.js';
import { fixtureLine } from './fixtures.js';

/** The results tuple of the captured `^done,threads=[...]` line. */
function threadInfo(): MiTuple {
  const rec = parseMiLine(fixtureLine('attach-session.mi', '^done,threads='));
  if (rec.kind !== 'result') throw new Error('expected a result record');
  return rec.results;
}

describe('MI accessors', () => {
  it('walk a real nested result', () => {
    const [thread] = miList(threadInfo(), 'threads');
    if (!isMiTuple(thread)) throw new Error('expected a tuple');
    const frame = miTuple(thread, 'frame');
    expect(miString(frame, 'func')).toBe('__GI___clock_nanosleep');
    expect(miOptString(frame, 'file')).toBe('../sysdeps/unix/sysv/linux/clock_nanosleep.c');
    expect(miOptString(frame, 'no-such-field')).toBeUndefined();
    expect(miString(thread, 'state')).toBe('stopped');
  });

  it.each<[string, (t: MiTuple) => unknown, string]>([
    ['miString on a missing field', (t) => miString(t, 'nope'), 'nope'],
    ['miString on a list', (t) => miString(t, 'threads'), 'threads'],
    ['miOptString on a list', (t) => miOptString(t, 'threads'), 'threads'],
    ['miTuple on a string', (t) => miTuple(t, 'current-thread-id'), 'current-thread-id'],
    ['miTuple on a list', (t) => miTuple(t, 'threads'), 'threads'],
    ['miList on a string', (t) => miList(t, 'current-thread-id'), 'current-thread-id'],
    ['miList on a missing field', (t) => miList(t, 'nope'), 'nope'],
    ['miString on an inherited name', (t) => miString(t, 'toString'), 'toString'],
  ])('%s throws MiShapeError', (_what, get, field) => {
    const t = threadInfo();
    expect(() => get(t)).toThrow(MiShapeError);
    expect(() => get(t)).toThrow(expect.objectContaining({ kind: 'mi-shape', field }));
  });

  it.each<[string, string | MiTuple | string[], boolean]>([
    ['string', 'x', false],
    ['list', ['x'], false],
    ['tuple', { a: 'x' }, true],
  ])('isMiTuple(%s)', (_what, v, expected) => {
    expect(isMiTuple(v)).toBe(expected);
  });
});
