// parse-log on input no log should hold: a line of megabytes (skipped and counted, never built up),
// /dev/zero (refused once 64 MiB passed without a newline), a long stream (read in bounded memory).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { readLogDumps } from '../../src/kamailio-log/read-log.js';
import { kamheap, kamheapMeasured, requireBuilt } from '../helpers/kamheap-cli.js';

const statusDump = readFileSync(fileURLToPath(new URL('../fixtures/kamailio/shm-status.txt', import.meta.url)), 'utf8');
// Node itself and the CLI's code take ~60 MiB; a read that built up the input would take gigabytes.
const memoryBoundKiB = 200 * 1024;

/** `text` in a fresh temporary file. */
function tempFile(text: string | Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kamheap-log-limits-')), 'kamailio.log');
  writeFileSync(file, text);
  return file;
}

// A real shm status dump after one line of `length` bytes (a binary blob, a runaway log line).
function dumpAfterLongLine(length: number): string {
  return `${' 6(3669) ALERT: '.padEnd(length, 'x')}\n${statusDump}`;
}

beforeAll(requireBuilt);

describe('readLogDumps on long lines', () => {
  it('skips and counts a line over the cap; the dump after it keeps its line numbers', async () => {
    const file = tempFile(dumpAfterLongLine(3 << 20));
    const read = await readLogDumps(file);
    const plain = await readLogDumps(tempFile(statusDump));
    expect(read.skipped).toBe(1);
    expect(read.lines).toBe(plain.lines + 1);
    expect(read.dumps).toHaveLength(1);
    expect(read.dumps[0]?.status?.origin.firstLine).toBe((plain.dumps[0]?.status?.origin.firstLine ?? 0) + 1);
  });

  it('takes the cap as a parameter', async () => {
    const file = tempFile(dumpAfterLongLine(5000));
    expect((await readLogDumps(file, { maxLineBytes: 4096, firstNewlineWithin: 1 << 20 })).skipped).toBe(1);
    expect((await readLogDumps(file)).skipped).toBe(0);
  });
});

describe('kamheap parse-log on hostile input', () => {
  it('names the skipped line on stderr and reads the dump after it', async () => {
    const r = await kamheap(['parse-log', tempFile(dumpAfterLongLine(3 << 20)), '--json']);
    expect(r.exitCode).toBe(ExitCode.ok);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(r.stderr).toBe('kamheap: skipped 1 line longer than 1 MiB (not Kamailio dump lines)');
  });

  it('counts the long lines of a file without dumps in its one error line', async () => {
    const r = await kamheap(['parse-log', tempFile(`a\n${'b'.repeat(2 << 20)}\nc\n`)]);
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(/^kamheap: no Kamailio memory dump in \S+ \(3 lines, 1 of them longer than 1 MiB\): /);
  });

  it('refuses /dev/zero after 64 MiB without a newline, in bounded memory', async () => {
    const r = await kamheapMeasured(['parse-log', '/dev/zero'], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toBe('kamheap: /dev/zero has no newline in its first 64 MiB: not a text log');
    expect(r.maxRssKiB).toBeLessThan(memoryBoundKiB);
  });

  it('reads a long stream of lines that are not a log (256 MiB, lines of 4 MiB among them) in bounded memory', async () => {
    const lines = `${'x'.repeat(1023)}\n`.repeat(64);
    const huge = `${'y'.repeat(4 << 20)}\n`;
    // 64 KiB chunks of 1 KiB lines, one 4 MiB line every 32 MiB.
    const input = Readable.from(
      (function* (): Generator<string> {
        for (let i = 0; i < 4096; i++) yield i % 512 === 0 ? huge : lines;
      })(),
    );
    const r = await kamheapMeasured(['parse-log', '-'], { input, timeoutMs: 120_000 });
    expect(r.exitCode).toBe(ExitCode.badInput);
    expect(r.stderr).toMatch(/^kamheap: no Kamailio memory dump in - \(\d+ lines, 8 of them longer than 1 MiB\): /);
    expect(r.maxRssKiB).toBeLessThan(memoryBoundKiB);
  });
});
