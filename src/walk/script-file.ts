// The walk script as gdb reads it: a file that no longer has a name. It is created in TMPDIR,
// unlinked at once and handed to gdb as /proc/<kamheap>/fd/<n>, so nothing is left on disk even
// when kamheap is killed, and the path gdb gets is made of numbers only. It is created before
// anything else happens (an unusable TMPDIR is found before gdb starts) and filled later.
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errnoReason, KamheapError } from '../errors.js';

export interface ScriptFile {
  /** A path gdb can `source`. */
  path: string;
  write(text: string): void;
  close(): void;
}

/** An empty unlinked temp file, reachable through this process's fd. */
export function openUnlinkedScript(): ScriptFile {
  const dir = tmpdir();
  const where = process.env['TMPDIR'] ? `TMPDIR (${process.env['TMPDIR']})` : dir;
  const name = join(dir, `kamheap-${randomBytes(8).toString('hex')}.gdb`);
  let fd: number;
  try {
    fd = openSync(name, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    unlinkSync(name);
  } catch (error) {
    throw new KamheapError('bad-input', `cannot create a temporary file in ${where}: ${errnoReason(error)}; set TMPDIR to a writable directory`, { cause: error });
  }
  return {
    path: `/proc/${process.pid}/fd/${fd}`,
    write(text) {
      try {
        writeSync(fd, text);
      } catch (error) {
        throw new KamheapError('bad-input', `cannot write a temporary file in ${where}: ${errnoReason(error)}`, { cause: error });
      }
    },
    close: () => closeSync(fd),
  };
}
