// The walk script as gdb reads it: an unlinked temp file (util/unlinked-temp.ts) handed to gdb as
// /proc/<kamheap>/fd/<n>, so the path gdb gets is made of numbers only. It is created before
// anything else happens and filled later.
import { writeSync } from 'node:fs';
import { errnoReason, KamheapError } from '../errors.js';
import { openUnlinkedTemp } from '../util/unlinked-temp.js';

export interface ScriptFile {
  /** A path gdb can `source`. */
  path: string;
  write(text: string): void;
  close(): void;
}

/** An empty unlinked temp file, reachable through this process's fd. */
export function openUnlinkedScript(): ScriptFile {
  const file = openUnlinkedTemp('.gdb');
  return {
    path: `/proc/${process.pid}/fd/${file.fd}`,
    write(text) {
      try {
        writeSync(file.fd, text);
      } catch (error) {
        throw new KamheapError('bad-input', `cannot write a temporary file in ${file.where}: ${errnoReason(error)}`, { cause: error });
      }
    },
    close: () => file.close(),
  };
}
