// Names the code that was measured (commit, and whether the walkers had uncommitted changes),
// since a figure is only comparable to another one taken on the same code.
import { spawnSync } from 'node:child_process';
import { toolVersion } from '../src/util/version.js';

/** "kamheap 0.1.0, git 02fdd05 + uncommitted changes in src/ gdb-scripts/", or without git info. */
export function describeSourceState(repoRoot: string): string {
  const git = (...args: string[]): string | undefined => {
    const result = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8', timeout: 10_000 });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const head = git('rev-parse', '--short', 'HEAD');
  if (head === undefined) return `kamheap ${toolVersion()} (not a git checkout)`;
  const dirty = git('status', '--porcelain', '--', 'src', 'gdb-scripts', 'bin');
  return `kamheap ${toolVersion()}, git ${head}${dirty ? ' + uncommitted changes in src/ gdb-scripts/ bin/' : ''}`;
}
