// The built CLI's entry points that need no process: version, help, usage errors.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';

const bin = fileURLToPath(new URL('../../bin/kamheap.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/src/cli/index.js', import.meta.url)));

/** Runs bin/kamheap.js with the arguments. */
async function kamheap(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa(process.execPath, [bin, ...args], { reject: false });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('kamheap CLI', () => {
  beforeAll(() => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  });

  it('prints its version', async () => {
    const r = await kamheap('--version');
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([[['--help']], [['walk', '--help']], [['script', '--help']], [['parse', '--help']]])('prints help for %j', async (args) => {
    const r = await kamheap(...args);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Usage: kamheap/);
  });

  it('lists the walk options of the issue', async () => {
    const r = await kamheap('walk', '--help');
    for (const option of ['--heap', '--from', '--to', '--walker', '--json', '--fragments', '--top', '--timeout']) expect(r.stdout).toContain(option);
  });

  it.each([[['frobnicate']], [['walk']], [['walk', '1', '--bogus']]])('rejects %j as a usage error', async (args) => {
    const r = await kamheap(...args);
    expect(r.exitCode).toBe(ExitCode.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error/);
  });
});
