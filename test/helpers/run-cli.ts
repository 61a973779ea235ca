// Runs the built CLI (bin/kamheap.js) as a user would, and checks a target is left running.
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processState } from '../../testbed/index.js';

/** The repository root, from the source tree (vitest) or from dist/test/helpers/ (compiled runners). */
export const repoRoot = [new URL('../../', import.meta.url), new URL('../../../', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(`${dir}bin/kamheap.js`)) ?? fileURLToPath(new URL('../../', import.meta.url));
export const kamheapBin = `${repoRoot}bin/kamheap.js`;
const built = `${repoRoot}dist/src/cli/index.js`;

/** Starts the CLI without waiting; the caller awaits the result. */
export function startCli(args: readonly string[], options: { uid?: number } = {}): ResultPromise<{ reject: false; all: false }> {
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  if (options.uid !== undefined) {
    return execa('setpriv', [`--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', process.execPath, kamheapBin, ...args], {
      reject: false,
      all: false,
    });
  }
  return execa(process.execPath, [kamheapBin, ...args], { reject: false, all: false });
}

/** Runs the CLI to completion. */
export async function runCli(args: readonly string[], options: { uid?: number } = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await startCli(args, options);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** True when the process exists and is neither stopped nor in a tracing stop. */
export function isRunning(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'T' && state !== 't' && state !== 'Z';
}

/** PIDs of the direct children of `pid` whose command name is `comm`. */
export async function childrenNamed(pid: number, comm: string): Promise<number[]> {
  const { stdout } = await execa('pgrep', ['-P', String(pid), '-x', comm], { reject: false });
  return String(stdout)
    .split('\n')
    .filter(Boolean)
    .map(Number);
}

/** Polls until `predicate` holds or the time is up. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
