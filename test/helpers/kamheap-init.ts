// kamheap-init (docker/kamheap-init.c, the kamheap image's entrypoint), built with gcc for tests
// that run kamheap inside a PID namespace whose PID 1 is Kamailio, as the image runs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './run-cli.js';

/** Builds kamheap-init into `dir` (once) and returns its path. */
export function buildKamheapInit(dir: string): string {
  const binary = join(dir, 'kamheap-init');
  if (existsSync(binary)) return binary;
  const built = spawnSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', binary, `${repoRoot}docker/kamheap-init.c`], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`gcc failed on docker/kamheap-init.c: ${built.stderr || built.error?.message}`);
  return binary;
}
