// The benchmark's two C helpers (stop-sampler.c, raw-read.c), compiled with gcc on first use and
// cached by a hash of their source, the flags and gcc's version, so an edit rebuilds them and a
// second run does not. Cache: $KAMHEAP_BUILD_CACHE or ~/.cache/kamheap, under bench/.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { benchAsset } from './assets.js';

export type NativeHelper = 'stop-sampler' | 'raw-read';

const GCC = process.env.KAMHEAP_BENCH_CC ?? 'gcc';
const FLAGS = ['-O2', '-Wall', '-Wextra', '-Werror', '-std=gnu11'];

/** The cache file name for a source text and compiler: NAME-<16 hex of the hash>. */
export function helperFileName(name: NativeHelper, source: string, compiler: string): string {
  const key = createHash('sha256').update(source).update('\0').update(FLAGS.join(' ')).update('\0').update(compiler).digest('hex');
  return `${name}-${key.slice(0, 16)}`;
}

/** Path of the compiled helper, building it first if the cache has no binary for this source. */
export function nativeHelper(name: NativeHelper): string {
  const sourcePath = benchAsset(`${name}.c`);
  const version = spawnSync(GCC, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (version.status !== 0) throw new Error(`${GCC} is needed to build bench/${name}.c (Debian package gcc): ${version.error?.message ?? version.stderr}`);
  const dir = join(process.env.KAMHEAP_BUILD_CACHE ?? join(homedir(), '.cache', 'kamheap'), 'bench');
  const binary = join(dir, helperFileName(name, readFileSync(sourcePath, 'utf8'), version.stdout.split('\n')[0] ?? GCC));
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // Built under a temporary name and renamed, so a concurrent or interrupted build never leaves half a binary.
  const temporary = `${binary}.${process.pid}.tmp`;
  const build = spawnSync(GCC, [...FLAGS, '-o', temporary, sourcePath], { encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) {
    rmSync(temporary, { force: true });
    throw new Error(`${GCC} failed on ${sourcePath}:\n${build.stderr || build.error?.message}`);
  }
  renameSync(temporary, binary);
  return binary;
}
