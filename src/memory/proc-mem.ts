// Reads target memory through /proc/PID/mem: one pread per request, no gdb round trip.
// Permission is the same as ptrace attach (root, or CAP_SYS_PTRACE, or ptrace_scope 0 and same uid).
import { closeSync, openSync, readSync } from 'node:fs';
import { KamheapError, MemoryReadError } from '../errors.js';

export interface RawMemory {
  /**
   * Reads exactly `length` bytes at `address` (into `into` when given, which must be at least that
   * long) or throws (rejects with) MemoryReadError.
   */
  read(address: bigint, length: number, into?: Buffer): Buffer | Promise<Buffer>;
  close(): void;
}

/** Opens /proc/PID/mem for reading. */
export function openProcMem(pid: number): RawMemory {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/mem`, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KamheapError('no-such-process', `no process with PID ${pid}`, { cause: error });
    throw new KamheapError('permission', `cannot open /proc/${pid}/mem (${code ?? 'error'}): run as root or with CAP_SYS_PTRACE`, {
      cause: error,
    });
  }
  return {
    read(address, length, into) {
      const buffer = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        let n: number;
        try {
          n = readSync(fd, buffer, done, length - done, address + BigInt(done));
        } catch (error) {
          throw new MemoryReadError(address, length, error);
        }
        if (n <= 0) throw new MemoryReadError(address, length);
        done += n;
      }
      return buffer;
    },
    close() {
      closeSync(fd);
    },
  };
}
