// parseScriptOutput on real walk-script output run by hand with gdb, checked against Kamailio's own
// qm_status dump of the same moment; then the ways such output goes wrong.
import { describe, expect, it } from 'vitest';
import { KamheapError } from '../../src/errors.js';
import { parseScriptOutput, ScriptOutputParser } from '../../src/walk/parse-script-output.js';
import { summarize } from '../../src/snapshot/summarize.js';
import { dump, expectedFragments, expectedSites, walkText, withoutLines, type WalkFixture } from './walk-fixture.js';

const last = dump.fragments.at(-1);
if (!last) throw new Error('empty dump fixture');

/** Whatever parseScriptOutput throws for this text. */
function parseError(text: string): unknown {
  try {
    parseScriptOutput(text);
  } catch (error) {
    return error;
  }
  throw new Error('parseScriptOutput accepted the text');
}

/** The output without its fragment list (an object with functions, which toEqual cannot compare); `resolved` holds the same fragments. */
function comparable(output: ReturnType<typeof parseScriptOutput>): Omit<ReturnType<typeof parseScriptOutput>, 'fragments'> {
  const { fragments: _list, ...rest } = output;
  return rest;
}

describe('parseScriptOutput on captured walks', () => {
  it.each<[WalkFixture, number, number | undefined]>([
    ['shm-walk-full.out', 0, undefined],
    ['shm-walk-from5-to20.out', 5, 20],
    ['shm-walk-from300.out', 300, undefined],
  ])('%s has the fragments and sites Kamailio dumped', (name, from, to) => {
    const output = parseScriptOutput(walkText(name), '/usr/sbin/kamailio');
    expect(output.resolved).toEqual(expectedFragments(from, to));
    expect(summarize(output.resolved).sites).toEqual(expectedSites(from, to));
    expect(output).toMatchObject({ walker: 'script', pid: dump.walkedPid, from, to, findings: [], complete: true, executable: '/usr/sbin/kamailio' });
  });

  it('reads the heap header Kamailio reported', () => {
    const { header, layout } = parseScriptOutput(walkText('shm-walk-full.out'));
    expect(header).toEqual({
      kind: 'shm',
      block: BigInt(dump.block),
      size: BigInt(dump.heap.size),
      used: BigInt(dump.heap.used),
      realUsed: BigInt(dump.heap.realUsed),
      maxRealUsed: BigInt(dump.heap.maxRealUsed),
      firstFrag: BigInt(dump.fragments[0]?.frag ?? 0),
      // last_frag_end: the last fragment's trailer
      walkEnd: BigInt(last.frag) + 56n + BigInt(last.size),
    });
    // Output of a script before user= existed: the user offset is the header size (q_malloc's 56).
    expect(layout).toEqual({ id: 'q_malloc/dbg/x86_64', allocator: 'q_malloc', source: 'profile', fragment: { userOffset: 56, debug: true } });
  });

  it('reads the root symbol newer scripts print', () => {
    const text = walkText('shm-walk-from5-to20.out');
    expect(parseScriptOutput(text).rootSymbol).toBeUndefined();
    const withRoot = (root: string): string => text.replace(/^(KH_BEGIN .*)$/m, `$1 root=${root}`);
    expect(parseScriptOutput(withRoot('_shm_root')).rootSymbol).toBe('_shm_root');
    expect(parseScriptOutput(withRoot('x;y')).rootSymbol).toBeUndefined();
    expect(parseScriptOutput(withRoot('shm_block'))).toMatchObject({ rootSymbol: 'shm_block', layout: { allocator: 'q_malloc' } });
  });

  it('adds up to the totals in the heap header', () => {
    const { used, free } = summarize(parseScriptOutput(walkText('shm-walk-full.out')).resolved);
    expect(used.bytes).toBe(dump.heap.used);
    expect(free.bytes).toBe(dump.heap.free);
    expect(used.count + free.count).toBe(dump.fragments.length);
  });

  it('ignores gdb chatter and blank lines', () => {
    const text = walkText('shm-walk-from5-to20.out');
    expect(text).toContain('[Thread debugging using libthread_db enabled]');
    const noisy = text
      .replace('KH_HEAP', 'warning: Unable to find libthread_db matching inferior\'s thread library\n\n  KH_F 99 1 1 0 1\nKH_HEAP')
      .replace('KH_END', 'Cannot access memory at address 0x0\n#0  0x00007f7d34dacdd0 in __libc_pause ()\nKH_END');
    expect(comparable(parseScriptOutput(noisy))).toEqual(comparable(parseScriptOutput(text)));
    expect(comparable(parseScriptOutput(withoutLines(text, /^[^K]/)))).toEqual(comparable(parseScriptOutput(text)));
  });

  it('reads CRLF output like LF output', () => {
    const text = walkText('shm-walk-from300.out');
    expect(comparable(parseScriptOutput(text.replace(/\n/g, '\r\n')))).toEqual(comparable(parseScriptOutput(text)));
  });

  it('reads a debug string past 4096 characters as empty, as the bulk walker does', () => {
    const text = walkText('shm-walk-from5-to20.out').replace('\tsr_cfg_init\t', `\t${'f'.repeat(4097)}\t`);
    expect(parseScriptOutput(text).resolved[0]).toMatchObject({ function: '', file: 'core: core/cfg/cfg_struct.c' });
  });

  it('keeps function names with spaces and dots', () => {
    const top = parseScriptOutput(walkText('shm-walk-from300.out')).resolved.at(-1);
    expect(top).toMatchObject({ free: true, function: 'fragm. from qm_malloc', module: 'core' });
  });
});

describe('parseScriptOutput on incomplete walks', () => {
  it('turns a missing KH_END into a walk-error finding and keeps the fragments', () => {
    const text = withoutLines(walkText('shm-walk-from5-to20.out'), /^KH_END|KH_F 1[5-9] /);
    const output = parseScriptOutput(text);
    expect(output.resolved.map((f) => f.index)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(output.complete).toBe(false);
    expect(output.findings).toEqual([{ kind: 'walk-error', index: 15, address: 0n, message: expect.stringMatching(/stopped before its end: gdb error or interrupted/) }]);
  });

  it('names gdb\'s reason when the script was aborted', () => {
    const parser = new ScriptOutputParser();
    for (const line of withoutLines(walkText('shm-walk-full.out'), /^KH_(END|F)/).split('\n')) parser.line(line);
    parser.scriptFailed('gdb: Cannot access memory at address 0x7f7d300aa690');
    const output = parser.finish({ executable: null, pauseMs: 12.5, durationMs: 40 });
    expect(output.findings).toEqual([{ kind: 'walk-error', index: 0, address: 0n, message: expect.stringContaining('Cannot access memory at address 0x7f7d300aa690') }]);
    expect(output).toMatchObject({ complete: false, resolved: [], pauseMs: 12.5, durationMs: 40 });
  });

  it.each<[string, string, string]>([
    ['a broken check word', 'KH_BAD 12 7f7d300eed48 check-pattern start:check=f0f0f0f1 end:check1=c0c0c0c0 end:check2=abcdefed', 'check-pattern'],
    ['a size past the heap end', 'KH_BAD 12 7f7d300eed48 size-out-of-bounds size=18446744073709551615', 'size-out-of-bounds'],
    ['a walk that missed the heap end', 'KH_BAD 12 7f7d300eed48 walk-error stopped at 7f7d300eed48, not at the heap end 7f7d34071000', 'walk-error'],
    ['a kind it does not know', 'KH_BAD 12 7f7d300eed48 cosmic-ray flipped', 'walk-error'],
  ])('records KH_BAD for %s', (_what, bad, kind) => {
    const text = withoutLines(walkText('shm-walk-from5-to20.out'), /^KH_F 1[2-9] /).replace(/^KH_END .*$/m, `${bad}\nKH_END walked=12 at=7f7d300eed48 ok=0`);
    const output = parseScriptOutput(text);
    expect(output.findings).toEqual([{ kind, index: 12, address: 0x7f7d300eed48n, message: bad.split(' ').slice(3).join(' ') }]);
    expect(output.resolved.map((f) => f.index)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(output.complete).toBe(false);
  });

  it('is incomplete when KH_END says ok=0 without a KH_BAD line', () => {
    const text = walkText('shm-walk-full.out').replace(/ok=1$/m, 'ok=0');
    expect(parseScriptOutput(text)).toMatchObject({ complete: false, findings: [] });
  });
});

describe('parseScriptOutput on malformed input', () => {
  const good = walkText('shm-walk-from5-to20.out');

  it.each<[string, string]>([
    ['empty text', ''],
    ['gdb chatter only', 'No symbol table is loaded.  Use the "file" command.\n'],
    ['no KH_HEAP line', withoutLines(good, /^KH_HEAP/)],
    ['no KH_BEGIN line', withoutLines(good, /^KH_BEGIN/)],
    ['an unknown heap kind', good.replace('kind=shm', 'kind=stack')],
    ['an unknown layout source', good.replace('source=profile', 'source=guess')],
    ['a PID that is not a number', good.replace('pid=12649', 'pid=12649x')],
    ['a missing --from', good.replace(' from=5', '')],
    ['an unknown memory manager', good.replace('mname=q_malloc', 'mname=b_malloc')],
    ['a block address that is not hex', good.replace('block=7f7d30071000', 'block=zz')],
    ['a heap size that is not a number', good.replace('size=67108864', 'size=lots')],
    ['a fragment line with fields missing', good.replace(/^KH_F 7 .*$/m, 'KH_F 7 7f7d300aaad8 8')],
    ['a KH_END count that is not a number', good.replace('walked=20', 'walked=twenty')],
    ['a PID of 0', good.replace('pid=12649', 'pid=0')],
    ['a layout that is not a layout id', good.replace('layout=q_malloc/dbg/x86_64', 'layout=\u001b[31mq_malloc')],
  ])('rejects %s as bad input', (_what, text) => {
    const error = parseError(text);
    expect(error).toBeInstanceOf(KamheapError);
    expect(error).toMatchObject({ kind: 'bad-input' });
  });

  // Every number of a KH_F / KH_BAD line is checked: damaged output is bad input, not a SyntaxError or NaN.
  it.each<[string, string]>([
    ['a fragment address that is not hex', good.replace('KH_F 7 7f7d300aaad8', 'KH_F 7 7f7d300aaadz')],
    ['a fragment size that is not a number', good.replace('KH_F 7 7f7d300aaad8 8 ', 'KH_F 7 7f7d300aaad8 8x ')],
    ['a fragment index that is not a number', good.replace('KH_F 7 ', 'KH_F seven ')],
    ['a fragment line number that is not a number', good.replace('KH_F 7 7f7d300aaad8 8 0 361', 'KH_F 7 7f7d300aaad8 8 0 ?')],
    ['a KH_BAD address that is not hex', good.replace('KH_END', 'KH_BAD 3 nothex check-pattern\nKH_END')],
  ])('rejects %s as bad input', (_what, text) => {
    expect(parseError(text)).toMatchObject({ kind: 'bad-input' });
  });
});

describe('parseScriptOutput on output that does not stop where a walk does', () => {
  const good = walkText('shm-walk-from5-to20.out');
  const lineOf = (text: string, start: string): number => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

  it.each<[string, string, RegExp]>([
    ['a KH_F line after KH_END', `${good}KH_F 20 7f7d300f0000 8 0 1\tcore: x.c\tf\tcore\n`, /^walk output continues after its KH_END line \(line 23\)$/],
    ['a second walk after KH_END', `${good}${good}`, /^walk output continues after its KH_END line \(line 26\)$/],
    ['a KH_BAD line after KH_END', good.replace(/(KH_END .*\n)/, '$1KH_BAD 3 7f7d300aaad8 check-pattern\n'), /^walk output continues after its KH_END line \(line 22\)$/],
    ['a second KH_BEGIN line', good.replace(/^(KH_HEAP .*)$/m, (l) => `${good.split('\n').find((x) => x.startsWith('KH_BEGIN')) ?? ''}\n${l}`), /^walk output has a second KH_BEGIN line \(line 5\)$/],
    ['a second KH_HEAP line', good.replace(/^(KH_HEAP .*)$/m, '$1\n$1'), /^walk output has a second KH_HEAP line \(line 6\)$/],
    ['a KH_F line before KH_HEAP', good.replace(/^(KH_HEAP .*)$/m, 'KH_F 4 7f7d300aa690 8 0 1\tcore: x.c\tf\tcore\n$1'), /^walk output has a KH_F line before its KH_HEAP line \(line 5\)$/],
    ['a KH_F line before KH_BEGIN', `KH_F 4 7f7d300aa690 8 0 1\tcore: x.c\tf\tcore\n${good}`, /^walk output has a KH_F line before its KH_BEGIN line \(line 1\)$/],
    ['a KH_END line before KH_HEAP', good.replace(/^(KH_HEAP .*)$/m, 'KH_END walked=0 at=0 ok=1\n$1'), /^walk output has a KH_END line before its KH_HEAP line \(line 5\)$/],
    ['a heap end before its first fragment', good.replace('first=7f7d300aa690', 'first=7f7d40000000'), /^walk output: heap end 7f7d34070fd0 before its first fragment 7f7d40000000$/],
    ['a header size of 0', good.replace('header=56', 'header=0'), /^walk output: bad header "0"$/],
  ])('rejects %s', (_what, text, message) => {
    const error = parseError(text);
    expect(error).toMatchObject({ kind: 'bad-input' });
    expect((error as Error).message).toMatch(message);
  });

  it('checks the line numbers it names', () => {
    expect(lineOf(good, 'KH_END')).toBe(21);
    expect(lineOf(good, 'KH_HEAP')).toBe(5);
  });

  it('takes no more KH_F lines than the heap can hold: (end - first) / header + 1', () => {
    // 7f7d300aa690 + 56 * 3: room for four fragment headers at most.
    const small = good.replace('end=7f7d34070fd0', 'end=7f7d300aa738');
    expect(parseError(small)).toMatchObject({ kind: 'bad-input', message: 'walk output has more KH_F lines than its heap holds fragments (at most 4 of 56 bytes or more) (line 10)' });
    const enough = withoutLines(small, /^KH_F (9|1[0-9]) /);
    expect(parseScriptOutput(enough).resolved).toHaveLength(4);
  });

  it("reads gdb's own lines after KH_END, and says when 1 MiB of them was enough", () => {
    const parser = new ScriptOutputParser();
    for (const line of good.split('\n')) parser.line(line);
    expect(parser.enough).toBe(false);
    for (let i = 0; i < 1024; i++) parser.line(`[Inferior 1 (process 12649) detached] ${'.'.repeat(1000)}`);
    expect(parser.enough).toBe(true);
    expect(parser.finish({ executable: null, pauseMs: null, durationMs: null }).complete).toBe(true);
  });

  it('reads up to 1 MiB of text before KH_BEGIN, not more', () => {
    const chatter = (bytes: number): string => `${'w'.repeat(1023)}\n`.repeat(bytes / 1024);
    // The capture has three lines of gdb's own before its KH_BEGIN.
    expect(parseScriptOutput(`${chatter((1 << 20) - 1024)}${good}`).resolved).toHaveLength(15);
    expect(parseError(`${chatter((1 << 20) + 1024)}${good}`)).toMatchObject({ kind: 'bad-input', message: 'no KH_BEGIN line in the first 1 MiB: not kamheap walk output' });
  });
});
