// parseMiLine against real gdb 13 --interpreter=mi3 transcripts, plus the few record shapes an
// attach session cannot produce (target stream, status async, ^connected) and malformed input.
import { describe, expect, it } from 'vitest';
import { MiParseError, parseMiLine } from '../../src/mi/parse-mi-line.js';
import { miList, miString, miTuple, type MiRecord, type MiTuple } from '../../src/mi/mi-record.js';
import { FIXTURES, fixtureLine, fixtureLines, type Fixture } from './fixtures.js';

const clockNanosleepArgs = [
  { name: 'clock_id', value: '0' },
  { name: 'clock_id@entry', value: '0' },
  { name: 'flags', value: '0' },
  { name: 'flags@entry', value: '0' },
  { name: 'req', value: '0x7ffc9d925ea0' },
  { name: 'rem', value: '0x7ffc9d925ee0' },
];

describe('parseMiLine on captured gdb output', () => {
  it.each(FIXTURES)('parses every line of %s', (name) => {
    const kinds = fixtureLines(name).map((l) => parseMiLine(l).kind);
    expect(kinds.length).toBeGreaterThan(40);
    expect(new Set(kinds)).toEqual(new Set(['notify', 'prompt', 'console', 'result', 'log', 'exec']));
  });

  it.each<[string, Fixture, string, MiRecord]>([
    ['prompt (with gdb\'s trailing space)', 'attach-session.mi', '(gdb) ', { kind: 'prompt' }],
    ['result without token or results', 'attach-session.mi', '^exit', { kind: 'result', resultClass: 'exit', results: {} }],
    ['result without token', 'attach-session.mi', '^done,value=', { kind: 'result', resultClass: 'done', results: { value: '2' } }],
    ['result with token, octal UTF-8', 'attach-session.mi', '2^done', { kind: 'result', token: 2, resultClass: 'done', results: { value: '0x563669a1cb60 "café"' } }],
    ['result with escaped quotes and backslashes', 'attach-session.mi', '3^done', { kind: 'result', token: 3, resultClass: 'done', results: { value: '0x563669a1cb80 "line1\\nsays \\"hi\\"\\ttab"' } }],
    ['running result with token', 'async-session.mi', '7^running', { kind: 'result', token: 7, resultClass: 'running', results: {} }],
    ['error record with msg and code', 'attach-session.mi', '^error,msg="Undefined MI', { kind: 'result', resultClass: 'error', results: { msg: 'Undefined MI command: no-such-command', code: 'undefined-command' } }],
    ['error record with token and quotes', 'attach-session.mi', '6^error', { kind: 'result', token: 6, resultClass: 'error', results: { msg: 'No symbol "nosuchsym" in current context.' } }],
    ['list of tuples', 'attach-session.mi', '4^done', { kind: 'result', token: 4, resultClass: 'done', results: { memory: [{ begin: '0x00007ffc9d925e88', offset: '0x0000000000000000', end: '0x00007ffc9d925e98', contents: '53de0186ad7f00001300000000000000' }] } }],
    ['notify record', 'attach-session.mi', '=thread-group-started', { kind: 'notify', asyncClass: 'thread-group-started', results: { id: 'i1', pid: '3294' } }],
    ['exec record', 'async-session.mi', '*running', { kind: 'exec', asyncClass: 'running', results: { 'thread-id': 'all' } }],
    ['exec *stopped with nested tuple and list', 'attach-session.mi', '*stopped', {
      kind: 'exec', asyncClass: 'stopped', results: {
        frame: { addr: '0x00007fad86019503', func: '__GI___clock_nanosleep', args: clockNanosleepArgs, file: '../sysdeps/unix/sysv/linux/clock_nanosleep.c', fullname: './time/../sysdeps/unix/sysv/linux/clock_nanosleep.c', line: '71', arch: 'i386:x86-64' },
        'thread-id': '1', 'stopped-threads': 'all', core: '1',
      },
    }],
    ['console stream with \\t and \\n', 'attach-session.mi', '~"a\\tb', { kind: 'console', text: 'a\tb\n' }],
    ['console stream with octal UTF-8', 'attach-session.mi', '~"caf', { kind: 'console', text: 'café\n' }],
    ['console stream with escaped quotes', 'attach-session.mi', '~"\\nType', { kind: 'console', text: '\nType "show copying" and "show warranty" for details.\n' }],
    ['log stream', 'attach-session.mi', '&', { kind: 'log', text: '71\t../sysdeps/unix/sysv/linux/clock_nanosleep.c: No such file or directory.\n' }],
    ['log stream with quotes', 'async-session.mi', '&"Undefined', { kind: 'log', text: 'Undefined command: "nosuchcmd".  Try "help".\n' }],
  ])('%s', (_what, file, prefix, expected) => {
    expect(parseMiLine(fixtureLine(file, prefix))).toEqual(expected);
  });

  it('turns a list of results into single-key tuples', () => {
    const rec = parseMiLine(fixtureLine('attach-session.mi', '5^done,stack='));
    if (rec.kind !== 'result') throw new Error('expected result');
    const stack = miList(rec.results, 'stack') as MiTuple[];
    expect(stack).toHaveLength(8);
    expect(stack.every((t) => Object.keys(t).join() === 'frame')).toBe(true);
    expect(stack.map((t) => miString(miTuple(t, 'frame'), 'level'))).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(miTuple(stack[2] as MiTuple, 'frame')).toEqual({ level: '2', addr: '0x000056365d6154af', func: '??', arch: 'i386:x86-64' });
  });

  it('parses lists of values and deeply nested thread info', () => {
    const features = parseMiLine(fixtureLine('attach-session.mi', '^done,features='));
    const threads = parseMiLine(fixtureLine('attach-session.mi', '^done,threads='));
    if (features.kind !== 'result' || threads.kind !== 'result') throw new Error('expected results');
    expect(miList(features.results, 'features')).toContain('data-read-memory-bytes');
    expect(miList(features.results, 'features').every((f) => typeof f === 'string')).toBe(true);
    const [thread] = miList(threads.results, 'threads') as MiTuple[];
    expect(miString(thread as MiTuple, 'target-id')).toBe('Thread 0x7fad85f47740 (LWP 3294)');
    expect(miList(miTuple(thread as MiTuple, 'frame'), 'args')).toEqual(clockNanosleepArgs);
    expect(miString(threads.results, 'current-thread-id')).toBe('1');
  });

  it('parses the list of values inside a breakpoint tuple', () => {
    const rec = parseMiLine(fixtureLine('async-session.mi', '^done,bkpt='));
    if (rec.kind !== 'result') throw new Error('expected result');
    const bkpt = miTuple(rec.results, 'bkpt');
    expect(miList(bkpt, 'thread-groups')).toEqual(['i1']);
    expect(miString(bkpt, 'original-location')).toBe('nanosleep');
  });
});

describe('parseMiLine on shapes not produced by an attach session', () => {
  it.each<[string, string, MiRecord]>([
    ['target stream', '@"inferior says hi\\n"', { kind: 'target', text: 'inferior says hi\n' }],
    ['status async record', '+download,section=".text",section-size="1024"', { kind: 'status', asyncClass: 'download', results: { section: '.text', 'section-size': '1024' } }],
    ['connected result', '^connected', { kind: 'result', resultClass: 'connected', results: {} }],
    ['token on exec record', '42*stopped,reason="exited-normally"', { kind: 'exec', token: 42, asyncClass: 'stopped', results: { reason: 'exited-normally' } }],
    ['token 0', '0^done', { kind: 'result', token: 0, resultClass: 'done', results: {} }],
    ['trailing CR', '^done,value="2"\r', { kind: 'result', resultClass: 'done', results: { value: '2' } }],
    ['trailing CRLF', '~"x"\r\n', { kind: 'console', text: 'x' }],
    ['prompt with CR', '(gdb) \r', { kind: 'prompt' }],
    ['prompt without space', '(gdb)', { kind: 'prompt' }],
    ['empty tuple and list', '^done,a={},b=[]', { kind: 'result', resultClass: 'done', results: { a: {}, b: [] } }],
    ['nested lists', '^done,a=[["1"],[],[{x="2"}]]', { kind: 'result', resultClass: 'done', results: { a: [['1'], [], [{ x: '2' }]] } }],
    ['duplicate names keep the first', '^done,a="1",a="2",t={b="3",b="4"}', { kind: 'result', resultClass: 'done', results: { a: '1', t: { b: '3' } } }],
    ['all simple escapes', '~"\\a\\b\\f\\v\\e\\r\\"\\\\"', { kind: 'console', text: '\x07\b\f\v\x1b\r"\\' }],
    ['empty string', '~""', { kind: 'console', text: '' }],
  ])('%s', (_what, line, expected) => {
    expect(parseMiLine(line)).toEqual(expected);
  });

  it('keeps gdb names such as __proto__ as plain keys', () => {
    const rec = parseMiLine('^done,__proto__="x",toString="y"');
    if (rec.kind !== 'result') throw new Error('expected result');
    expect(Object.keys(rec.results)).toEqual(['__proto__', 'toString']);
    expect(miString(rec.results, '__proto__')).toBe('x');
  });
});

describe('parseMiLine on malformed input', () => {
  it.each<[string, string, number]>([
    ['empty line', '', 0],
    ['garbage', 'garbage', 0],
    ['unterminated stream string', '~"abc', 1],
    ['unterminated result string', '^done,value="2', 12],
    ['string ending in a backslash', '~"abc\\', 5],
    ['unknown escape', '~"bad \\q"', 6],
    ['octal escape above 255', '~"\\400"', 2],
    ['unknown result class', '^bogus', 1],
    ['missing result class', '^', 1],
    ['missing async class', '*,a="1"', 1],
    ['dangling comma', '^done,', 6],
    ['name without =', '^done,value', 11],
    ['bare constant value', '^done,value=2', 12],
    ['unterminated tuple', '^done,a={b="1"', 8],
    ['unterminated list', '^done,a=["1"', 8],
    ['missing comma in list', '^done,a=["1" "2"]', 12],
    ['missing comma in tuple', '^done,a={b="1"c="2"}', 14],
    ['value in a list of results', '^done,a=[x="1","2"]', 15],
    ['result in a list of values', '^done,a=["1",x="2"]', 13],
    ['stray closing brace', '^done,a="1"}', 11],
    ['text after the result class', '^done garbage', 5],
    ['text after a stream string', '~"a"x', 4],
    ['stream record with a token', '5~"x"', 0],
    ['token alone', '123', 3],
    ['token too large', '99999999999999999999^done', 0],
    ['prompt followed by text', '(gdb) x', 0],
    ['space after sigil', '= thread-created', 1],
  ])('%s: %j', (_what, line, offset) => {
    let err: unknown;
    try {
      parseMiLine(line);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MiParseError);
    expect(err).toMatchObject({ kind: 'mi-parse', line, offset });
  });

  // Every real line ending in a closing delimiter becomes malformed when that delimiter is cut.
  const truncated = FIXTURES.flatMap((f) => fixtureLines(f))
    .filter((l) => /["}\]]$/.test(l))
    .map((l) => l.slice(0, -1));
  it.each(truncated)('rejects truncated real line %#', (line) => {
    expect(() => parseMiLine(line)).toThrow(MiParseError);
  });
});
