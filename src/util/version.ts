// The tool's version, read once from package.json next to the compiled code.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** kamheap's version from package.json (works from src/ under vitest and from dist/src/). */
export function toolVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kamheap' && pkg.version) return (cached = pkg.version);
    } catch {
      // not here: look one level up
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}

/** Root folder of the package (where gdb-scripts/ and schema/ live). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'kamheap') return dir;
    } catch {
      // keep looking
    }
    dir = dirname(dir);
  }
  throw new Error('kamheap package root not found');
}
