// A temporary file that no longer has a name: created in TMPDIR and unlinked at once, so nothing is
// left on disk even when kamheap is killed. Used for the walk script gdb reads and for the
// --fragments spool. Made before anything else happens, so an unusable TMPDIR is one line before
// gdb starts.
import { closeSync, constants, openSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errnoReason, KamheapError } from '../errors.js';

export interface UnlinkedTemp {
  fd: number;
  /** Where it was made, for messages: "TMPDIR (/x)" or the default directory. */
  where: string;
  close(): void;
}

/** An empty unlinked temp file, open for reading and writing. */
export function openUnlinkedTemp(suffix: string): UnlinkedTemp {
  const dir = tmpdir();
  const where = process.env['TMPDIR'] ? `TMPDIR (${process.env['TMPDIR']})` : dir;
  const name = join(dir, `kamheap-${randomBytes(8).toString('hex')}${suffix}`);
  let fd: number;
  try {
    fd = openSync(name, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    unlinkSync(name);
  } catch (error) {
    throw new KamheapError('bad-input', `cannot create a temporary file in ${where}: ${errnoReason(error)}; set TMPDIR to a writable directory`, { cause: error });
  }
  let open = true;
  return {
    fd,
    where,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
