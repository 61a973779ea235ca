// Runs the built CLI (bin/kamheap.js) the ways the input and output tests need: plainly, with an
// environment, and with stdout or stderr a pipe whose reader goes away early.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { kamheapBin, repoRoot } from './run-cli.js';

export { kamheapBin };
const built = `${repoRoot}dist/src/cli/index.js`;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Throws unless dist/ exists (the CLI tests run the built code). */
export function requireBuilt(): void {
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
}

/** Runs the CLI to completion, optionally with stdin text and an environment. */
export async function kamheap(args: readonly string[], options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  requireBuilt();
  const r = await execa(process.execPath, [kamheapBin, ...args], {
    reject: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    ...(options.env ? { env: options.env } : {}),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs the CLI with its stdout opened on `file` (e.g. /dev/full); returns the exit code and stderr. */
export function kamheapWithStdoutFile(args: readonly string[], file: string): Promise<{ exitCode: number | null; stderr: string }> {
  requireBuilt();
  // The CLI itself writes into the file (execa's { file } would pipe through this process).
  const fd = openSync(file, 'w');
  const child = spawn(process.execPath, [kamheapBin, ...args], { stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stderr })));
}

/**
 * Runs the CLI with `input` piped to its stdin (a stream, so it may be larger than memory should
 * hold) and measures its peak memory; `maxRssKiB` is what the CLI itself used at its highest.
 */
export function kamheapMeasured(args: readonly string[], options: { input?: Readable; timeoutMs: number }): Promise<CliResult & { maxRssKiB: number }> {
  requireBuilt();
  const rssFile = join(mkdtempSync(join(tmpdir(), 'kamheap-rss-')), 'maxrss');
  const preload = pathToFileURL(fileURLToPath(new URL('./report-max-rss.mjs', import.meta.url))).href;
  const child = spawn(process.execPath, ['--import', preload, kamheapBin, ...args], {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, KAMHEAP_TEST_MAXRSS_FILE: rssFile },
  });
  // The CLI may stop reading early (that is the point): its closed stdin is not an error here.
  child.stdin?.on('error', () => undefined);
  if (options.input && child.stdin) options.input.pipe(child.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kamheap ${args.join(' ')} ran longer than ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      options.input?.destroy();
      const maxRssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : Number.NaN;
      resolve({ exitCode: exitCode ?? -1, stdout: stdout.trimEnd(), stderr: stderr.trimEnd(), maxRssKiB });
    });
  });
}

export interface ClosedPipeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What the other stream carried. */
  other: string;
  /** Bytes read from the closed stream before it was closed. */
  readBeforeClose: number;
}

/**
 * Runs the CLI with `stream` a pipe that this side closes: 'at-once' before the CLI can write
 * anything, 'after-first-bytes' as soon as the first chunk arrives (a write still going on).
 */
export function kamheapWithClosedPipe(args: readonly string[], stream: 'stdout' | 'stderr', when: 'at-once' | 'after-first-bytes'): Promise<ClosedPipeRun> {
  requireBuilt();
  const child = spawn(process.execPath, [kamheapBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const closing = child[stream];
  const other = stream === 'stdout' ? child.stderr : child.stdout;
  let readBeforeClose = 0;
  let text = '';
  other.setEncoding('utf8');
  other.on('data', (chunk: string) => (text += chunk));
  // Destroying our end closes the only read end of the pipe: the CLI's next write fails with EPIPE.
  if (when === 'at-once') closing.destroy();
  else {
    closing.once('data', (chunk: Buffer) => {
      readBeforeClose = chunk.length;
      closing.destroy();
    });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kamheap ${args.join(' ')} did not end`));
    }, 30_000);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, other: text, readBeforeClose });
    });
  });
}
