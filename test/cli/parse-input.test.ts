// `kamheap parse` on input that is not a walk's output, or that does not end: read line by line into
// the parser, in bounded memory, ending with one line (or, after KH_END, simply not read on).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { kamheap, kamheapMeasured, requireBuilt } from '../helpers/kamheap-cli.js';
import { syntheticWalk } from '../helpers/synthetic-walk.js';

// Node and the CLI take ~60 MiB; reading stdin whole (as parse did) took gigabytes here.
const memoryBoundKiB = 200 * 1024;

/** An endless stdin: `chunk` over and over. */
function endless(chunk: string | Buffer): Readable {
  const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  return Readable.from(
    (function* (): Generator<Buffer> {
      for (;;) yield data;
    })(),
  );
}

/** `text` in a fresh temporary file. */
function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kamheap-parse-input-')), 'walk.out');
  writeFileSync(file, text);
  return file;
}

beforeAll(requireBuilt);

describe('kamheap parse on endless input', () => {
  it('`yes | kamheap parse -`: no KH_BEGIN in the first 1 MiB, exit 11, bounded memory', async () => {
    const r = await kamheapMeasured(['parse', '-'], { input: endless('y\n'.repeat(32 * 1024)), timeoutMs: 60_000 });
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, stderr: 'kamheap: no KH_BEGIN line in the first 1 MiB: not kamheap walk output', stdout: '' });
    expect(r.maxRssKiB).toBeLessThan(memoryBoundKiB);
  });

  it('`cat /dev/zero | kamheap parse -`: a line over 64 KiB, exit 11, bounded memory', async () => {
    const r = await kamheapMeasured(['parse', '-'], { input: endless(Buffer.alloc(64 * 1024)), timeoutMs: 60_000 });
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, stderr: 'kamheap: -: line 1 is longer than 64 KiB: not kamheap walk output' });
    expect(r.maxRssKiB).toBeLessThan(memoryBoundKiB);
  });

  it('`kamheap parse /dev/zero`: the same, for a file', async () => {
    const r = await kamheapMeasured(['parse', '/dev/zero'], { timeoutMs: 60_000 });
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, stderr: 'kamheap: /dev/zero: line 1 is longer than 64 KiB: not kamheap walk output' });
  });

  it("a whole walk followed by endless gdb chatter: read until 1 MiB past KH_END, then summarized", async () => {
    const walk = syntheticWalk(200).text;
    const input = Readable.from(
      (function* (): Generator<string> {
        yield walk;
        for (;;) yield '[Inferior 1 (process 4242) detached]\n'.repeat(1000);
      })(),
    );
    const r = await kamheapMeasured(['parse', '-', '--json', '-'], { input, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(ExitCode.ok);
    expect((JSON.parse(r.stdout) as AnySnapshot).walk).toMatchObject({ fragmentsWalked: 200, complete: true });
  });
});

describe('kamheap parse on output that is not a walk', () => {
  it('names the line that is too long', async () => {
    const text = syntheticWalk(50).text.replace(/^(KH_F 20 .*)$/m, `$1${'x'.repeat(70 * 1024)}`);
    const r = await kamheap(['parse', tempFile(text)]);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(/^kamheap: \S+walk\.out: line 24 is longer than 64 KiB: not kamheap walk output$/);
  });

  it('refuses KH_F lines after KH_END', async () => {
    const text = syntheticWalk(50, { after: 'KH_F 50 7f0000101aa0 64 0 1\tx.c\tf\tm\n' }).text;
    const r = await kamheap(['parse', tempFile(text)]);
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, stderr: 'kamheap: walk output continues after its KH_END line (line 56)', stdout: '' });
  });

  it('refuses more KH_F lines than the heap holds', async () => {
    const text = syntheticWalk(50).text.replace(/ end=[0-9a-f]+/, ' end=7f0000100700');
    const r = await kamheap(['parse', tempFile(text)]);
    expect(r).toMatchObject({ exitCode: ExitCode.badInput, stderr: 'kamheap: walk output has more KH_F lines than its heap holds fragments (at most 33 of 56 bytes or more) (line 37)' });
  });

  it('still reads a large walk whole', async () => {
    const r = await kamheap(['parse', tempFile(syntheticWalk(30_000).text), '--json', '-']);
    expect(r.exitCode).toBe(ExitCode.ok);
    expect((JSON.parse(r.stdout) as AnySnapshot).totals.used.count).toBe(27_000);
  });
});
