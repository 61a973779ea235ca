// The walk script as gdb reads it: a file that no longer has a name. It is created in TMPDIR,
// unlinked at once and handed to gdb as /proc/<kamheap>/fd/<n>, so nothing is left on disk even
// when kamheap is killed, and the path gdb gets is made of numbers only.
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KamheapError } from '../errors.js';

export interface ScriptFile {
  /** A path gdb can `source`. */
  path: string;
  close(): void;
}

/** Writes `text` to an unlinked temp file and returns a path to it through this process's fd. */
export function openUnlinkedScript(text: string): ScriptFile {
  const dir = tmpdir();
  const name = join(dir, `kamheap-${randomBytes(8).toString('hex')}.gdb`);
  let fd: number;
  try {
    fd = openSync(name, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new KamheapError('bad-input', `cannot create the walk script in ${dir} (${code}): set TMPDIR to a writable directory`, { cause: error });
  }
  try {
    unlinkSync(name);
    writeSync(fd, text);
  } catch (error) {
    closeSync(fd);
    throw new KamheapError('bad-input', `cannot write the walk script in ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return { path: `/proc/${process.pid}/fd/${fd}`, close: () => closeSync(fd) };
}
