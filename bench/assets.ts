// Non-TypeScript files of the benchmark (the GDB template, the C helpers, the Kamailio config).
// tsc does not copy them to dist/, so a compiled module (dist/bench/x.js) looks them up in the
// source tree too.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under bench/, from source (vitest) or from dist/bench/. */
export function benchAsset(name: string): string {
  const candidates = [new URL(`./${name}`, import.meta.url), new URL(`../../bench/${name}`, import.meta.url)].map((url) => fileURLToPath(url));
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`bench/${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}
