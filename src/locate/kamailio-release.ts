// Which Kamailio release an executable is, and how it was built, read from the strings it carries
// (`ver_version`, `full_version`, `ver_flags`: what `kamailio -v` prints), through gdb on the
// executable alone. Nothing is run: not the target, not its binary (a container's binary may not
// even run on the host).
import { GdbCommandError } from '../errors.js';
import type { SymbolSource } from '../debugger/debugger.js';
import { readCString } from '../mi/c-string.js';

export interface KamailioRelease {
  /** "6.0.1", as the binary says; undefined when it carries no version string. */
  version: string | undefined;
  /** major, minor, patch of `version`. */
  numbers: readonly [number, number, number] | undefined;
  /** "kamailio 6.0.1 (x86_64/linux)". */
  full: string | undefined;
  /** The compile flags (`USE_TCP`, `DBG_SR_MEMORY`, `Q_MALLOC`, ...). */
  flags: string[];
}

/** The release strings of the executable gdb holds; missing strings are left undefined, never guessed. */
export async function readRelease(gdb: SymbolSource, timeoutMs: number): Promise<KamailioRelease> {
  const version = await stringSymbol(gdb, 'ver_version', timeoutMs);
  const full = (await stringSymbol(gdb, 'full_version', timeoutMs))?.trim();
  const flags = ((await stringSymbol(gdb, 'ver_flags', timeoutMs)) ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  return { version, numbers: versionNumbers(version), full, flags };
}

/** "6.0.1" (or "5.8.0-dev3") as numbers; undefined for anything else. */
export function versionNumbers(version: string | undefined): readonly [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** True when the release is at least `major.minor`; false when its version is unknown. */
export function releaseAtLeast(release: Pick<KamailioRelease, 'numbers'>, major: number, minor: number): boolean {
  const n = release.numbers;
  return n !== undefined && (n[0] > major || (n[0] === major && n[1] >= minor));
}

/** How a release names itself in messages: "kamailio 6.0.1", or "kamailio of unknown version". */
export function releaseName(release: Pick<KamailioRelease, 'version'>): string {
  return release.version === undefined ? 'kamailio of unknown version' : `kamailio ${release.version}`;
}

// The text of a `const char name[]` in the executable: gdb prints `0x3a73b6 <ver_version> "5.6.3"`
// for `(char *) &ver_version` (print elements 0: never cut). Undefined when there is no such symbol.
async function stringSymbol(gdb: SymbolSource, symbol: 'ver_version' | 'full_version' | 'ver_flags', timeoutMs: number): Promise<string | undefined> {
  let value: string;
  try {
    value = await gdb.evaluate(`(char *) &${symbol}`, timeoutMs);
  } catch (error) {
    if (error instanceof GdbCommandError) return undefined;
    throw error;
  }
  const open = value.indexOf('"');
  return open < 0 ? undefined : readCString(value, open).text;
}
