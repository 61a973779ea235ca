// man/kamheap.1 is what the CLI's help makes of it now (regenerating gives the same file: run
// `npm run man` after changing a command), and man(1) renders it without a warning.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kamheap } from '../helpers/kamheap-cli.js';
import { repoRoot } from '../helpers/run-cli.js';

const page = `${repoRoot}man/kamheap.1`;

describe('man/kamheap.1', () => {
  it('is current: the generator gives the same file (else run npm run man)', async () => {
    const r = await kamheap(['man']);
    expect(r.exitCode).toBe(0);
    // execa drops the output's final newline.
    expect(`${r.stdout}\n`).toBe(readFileSync(page, 'utf8'));
  });

  it('renders with man -l without warnings, every command in it', async () => {
    const r = await execa('man', ['--warnings', '-l', page], { env: { MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' }, reject: false });
    expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const help = await kamheap(['--help']);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) expect(r.stdout).toContain(`kamheap ${command} [options]`);
  });
});
