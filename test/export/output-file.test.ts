// The output writer on a real filesystem: planted symlinks replaced (never followed), paths that
// cannot be written found before any work, nothing left behind when a write fails.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KamheapError } from '../../src/errors.js';
import { checkOutputFile, prepareOutputDir, writeOutputFile } from '../../src/export/output-file.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kamheap-output-'));
}

/** What the promise rejected with (it must reject). */
async function rejection(promise: Promise<unknown>): Promise<KamheapError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KamheapError)) throw new Error(`expected a KamheapError, got ${String(error)}`);
  return error;
}

describe('writeOutputFile', () => {
  it('writes a new file, 0644 less the umask, and leaves no temp file', async () => {
    const dir = tempDir();
    await writeOutputFile(join(dir, 'out.json'), '{"a":1}\n');
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('{"a":1}\n');
    const umask = process.umask();
    expect(statSync(join(dir, 'out.json')).mode & 0o777).toBe(0o644 & ~umask);
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('leaves no temp file when the process exits in the middle of a write (a signal outside a run)', () => {
    const dir = tempDir();
    const module = fileURLToPath(new URL('../../dist/src/export/output-file.js', import.meta.url));
    // The content's second piece ends the process the way signal-capture.ts does: process.exit(9).
    const script = `import { writeOutputFile } from ${JSON.stringify(module)};
      async function* pieces() { yield '{"a":'; process.exit(9); }
      await writeOutputFile(${JSON.stringify(join(dir, 'out.json'))}, pieces());`;
    let status: number | null = null;
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    } catch (error) {
      status = (error as { status: number | null }).status;
    }
    expect(status).toBe(9);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes chunks one after the other', async () => {
    const dir = tempDir();
    await writeOutputFile(join(dir, 'out.txt'), ['a', 'b'.repeat(100_000), 'c']);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(`a${'b'.repeat(100_000)}c`);
  });

  it('replaces a planted symlink to a file outside; the outside file is untouched', async () => {
    const dir = tempDir();
    const outside = join(tempDir(), 'passwd');
    writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
    symlinkSync(outside, join(dir, 'out.json'));
    await checkOutputFile(join(dir, 'out.json'));
    await writeOutputFile(join(dir, 'out.json'), 'snapshot\n');
    expect(readFileSync(outside, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n');
    expect(lstatSync(join(dir, 'out.json')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('snapshot\n');
  });

  it('replaces a dangling symlink instead of creating its target', async () => {
    const dir = tempDir();
    const nowhere = join(tempDir(), 'created-through-the-link');
    symlinkSync(nowhere, join(dir, 'out.json'));
    await writeOutputFile(join(dir, 'out.json'), 'snapshot\n');
    expect(() => statSync(nowhere)).toThrow(/ENOENT/);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('snapshot\n');
  });

  it('replaces an existing file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'out.json'), 'old and longer\n');
    await writeOutputFile(join(dir, 'out.json'), 'new\n');
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('new\n');
  });

  it('removes its temp file when the write fails, and keeps the old file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'out.json'), 'old\n');
    function* failing(): Generator<string> {
      yield 'half a snapshot';
      throw new Error('serializer failed');
    }
    const error = await rejection(writeOutputFile(join(dir, 'out.json'), failing()));
    expect(error).toMatchObject({ kind: 'bad-input', message: `cannot write ${join(dir, 'out.json')}: serializer failed` });
    expect(readdirSync(dir)).toEqual(['out.json']);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe('old\n');
  });
});

describe('checkOutputFile', () => {
  it('passes stdout and no file at all', async () => {
    await checkOutputFile('-');
    await checkOutputFile(undefined);
  });

  it('passes a writable directory and leaves nothing in it', async () => {
    const dir = tempDir();
    await checkOutputFile(join(dir, 'out.json'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each<[string, () => string, RegExp]>([
    ['a directory that does not exist', () => join(tempDir(), 'missing', 'out.json'), /: no such file or directory \(ENOENT\)$/],
    ['a directory that takes no new files (sysfs)', () => '/sys/kamheap-out.json', /^cannot write \/sys\/kamheap-out\.json: permission denied \(EACCES\)$/],
    ['a path under a regular file', () => '/dev/null/out.json', /: not a directory \(ENOTDIR\)$/],
    ['a directory', () => tempDir(), /: it is a directory$/],
    ['a device', () => '/dev/null', /^cannot write \/dev\/null: not a regular file \(for standard output, give -\)$/],
    ['a symlink to a device (/dev/stdout)', () => {
      const link = join(tempDir(), 'stdout');
      symlinkSync('/dev/null', link);
      return link;
    }, /: it is a symbolic link to something other than a regular file \(for standard output, give -\)$/],
  ])('refuses %s with one bad-input line', async (_what, path, message) => {
    const target = path();
    const error = await rejection(checkOutputFile(target));
    expect(error.kind).toBe('bad-input');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`cannot write ${target}: `);
    expect(error.message).not.toContain('\n');
  });
});

describe('prepareOutputDir', () => {
  it('creates a missing directory, parents too', async () => {
    const dir = join(tempDir(), 'a', 'b');
    await prepareOutputDir(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each(['', '/'])('refuses a symlink to a directory (written as "link%s")', async (slash) => {
    const real = tempDir();
    const link = join(tempDir(), 'dumps');
    symlinkSync(real, link);
    const error = await rejection(prepareOutputDir(`${link}${slash}`));
    expect(error).toMatchObject({ kind: 'bad-input', message: `refusing to write into ${link}${slash}: it is a symbolic link; give the real directory` });
  });

  it('refuses a file and a directory that takes no new files', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    expect(await rejection(prepareOutputDir(file))).toMatchObject({ kind: 'bad-input', message: `cannot write into ${file}: not a directory` });
    expect(await rejection(prepareOutputDir('/sys'))).toMatchObject({ kind: 'bad-input', message: 'cannot write /sys: permission denied (EACCES)' });
  });

  it('says why a directory cannot be created', async () => {
    const error = await rejection(prepareOutputDir('/sys/kamheap-dumps'));
    expect(error.kind).toBe('bad-input');
    expect(error.message).toMatch(/^cannot create \/sys\/kamheap-dumps: /);
  });

  it('leaves an existing directory and its files alone', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'keep'), 'x');
    await prepareOutputDir(dir);
    expect(readdirSync(dir).sort()).toEqual(['keep', 'sub']);
  });
});

describe('empty names', () => {
  it('refuses an empty file name and an empty directory name', async () => {
    expect(await rejection(checkOutputFile(''))).toMatchObject({ kind: 'bad-input', message: 'cannot write "": an empty file name' });
    expect(await rejection(prepareOutputDir(''))).toMatchObject({ kind: 'bad-input', message: 'cannot write into "": an empty directory name' });
  });
});
