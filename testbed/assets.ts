// Non-TypeScript files of the testbed (kamailio.cfg, sipp scenarios). tsc does not copy them to
// dist/, so a compiled module (dist/testbed/x.js) looks them up in the source tree too.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under testbed/, from source (vitest) or from dist/testbed/. */
export function testbedAsset(relativePath: string): string {
  const candidates = [
    new URL(`./${relativePath}`, import.meta.url),
    new URL(`../../testbed/${relativePath}`, import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(`testbed asset ${relativePath} not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}
