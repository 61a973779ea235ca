// How gdb is started: which executable, which arguments, which environment. Kept apart from the
// session so that every setting that makes gdb safe on a production box reads in one place.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { KamheapError } from '../errors.js';

/**
 * Settings applied before gdb loads anything (`-iex`): no scripts from the target host, no
 * network, no pager or questions, no history file written. Fixed strings, never user text.
 */
export const startupSettings: readonly string[] = [
  'set auto-load off',
  'set debuginfod enabled off',
  'set pagination off',
  'set confirm off',
  'set history save off',
  // Strings read from the executable (its version and compile flags) are never cut short.
  'set print elements 0',
  // No check at the attach that the running executable is the one loaded: gdb reads the target's
  // file through the target's mount namespace, and from another one (kamheap in a sidecar
  // container) it forks a helper for that. The helper outlives gdb for a moment, so in Kamailio's
  // PID namespace its parent becomes Kamailio's main process (PID 1 there), which takes any child
  // it reaps for a dead worker and shuts the whole instance down. kamheap loads /proc/PID/exe
  // itself, so there is nothing to check.
  'set exec-file-mismatch off',
];

/**
 * Settings applied once the executable and its own debug info are loaded: gdb then opens no
 * shared library of the target (a sysroot under /proc, where no file can ever be created), so it
 * neither reads their symbols nor looks for the dynamic linker to plant a breakpoint, and it never
 * loads a libthread_db (same trick for its search path; gdb has no way to make it empty).
 */
export const afterLoadSettings = [
  'sysroot /proc/kamheap-no-sysroot',
  'libthread-db-search-path /proc/kamheap-no-libthread-db',
  'auto-solib-add off',
] as const;

/**
 * For a session in which gdb only stops and resumes the target while kamheap reads the memory
 * itself (the bulk walker): no OS ABI. gdb then does not read the target's list of shared
 * libraries at the attach, nor print a `=library-loaded` record for each of them (gdb writes its
 * MI output a byte at a time: ~5,000 writes for Kamailio's 18 libraries), nor relocate the
 * executable's symbols, and the attach takes ~1.5 ms instead of ~35 ms, the detach ~1 ms instead of
 * ~27 ms. It still stops every thread (linux-nat attaches each task) and still resumes them at the
 * detach. Symbol addresses stay link-time ones, to which kamheap adds the load bias anyway. Not for
 * the script walker: its expressions need the symbols gdb relocates at the attach.
 */
export const stopOnlySettings = ['osabi none'] as const;
export type AfterLoadSetting = (typeof afterLoadSettings)[number] | (typeof stopOnlySettings)[number];

export interface GdbLaunch {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * The command line for gdb, speaking GDB/MI or (gdb >= 14) the Debug Adapter Protocol. Under `setpriv --pdeathsig KILL` when util-linux's setpriv is there:
 * if kamheap dies (SIGKILL, OOM), the kernel kills gdb at once and detaches it from the target.
 */
export function gdbLaunch(gdbPath: string, interpreter: 'mi3' | 'dap' = 'mi3'): GdbLaunch {
  const gdb = resolveExecutable(gdbPath);
  if (!gdb) throw new KamheapError('gdb-missing', `gdb not found (${gdbPath}): install it, e.g. apt-get install gdb`);
  const gdbArgs = ['-nx', '-q', `--interpreter=${interpreter}`, ...startupSettings.flatMap((s) => ['-iex', s])];
  // GDBHISTFILE empty: gdb reads no .gdb_history from the working directory. LC_ALL=C: messages
  // kamheap matches (ptrace errors) stay in English.
  const env = { LC_ALL: 'C', GDBHISTFILE: '' };
  const setpriv = resolveExecutable('setpriv');
  if (!setpriv) return { file: gdb, args: gdbArgs, env };
  return { file: setpriv, args: ['--pdeathsig', 'KILL', '--', gdb, ...gdbArgs], env };
}

/** An executable file by path, or looked up in PATH when the name has no slash; undefined when none. */
export function resolveExecutable(name: string): string | undefined {
  const candidates = name.includes('/') ? [name] : (process.env['PATH'] ?? '').split(delimiter).filter(isAbsolute).map((dir) => join(dir, name));
  return candidates.find(isExecutableFile);
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
