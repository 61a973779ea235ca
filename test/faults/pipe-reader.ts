// `kamheap ... | head -c N`: a real pipe (a FIFO, not Node's socketpair) whose reader exits after N
// bytes, so kamheap's next write meets EPIPE. N = 0 closes the pipe before kamheap writes at all.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';

export interface PipeReader {
  /** The write end, for kamheap's stdout; close it here once kamheap has it. */
  writeFd: number;
  head: ChildProcess;
  /** Closes this process's copies of the FIFO's ends (kamheap and head keep theirs). */
  closeOurEnds(): void;
  /** Resolves when head has exited. */
  done: Promise<void>;
}

/** Makes the FIFO in `dir` and starts `head -c bytes` on its read end. */
export function startPipeReader(dir: string, bytes: number): PipeReader {
  const fifo = join(dir, 'stdout.fifo');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  // O_RDWR never blocks on Linux; holding it lets the read-only and write-only opens return at once.
  const anchor = openSync(fifo, constants.O_RDWR);
  const readFd = openSync(fifo, constants.O_RDONLY);
  const writeFd = openSync(fifo, constants.O_WRONLY);
  closeSync(anchor);
  const head = spawn('head', ['-c', String(bytes)], { stdio: [readFd, 'ignore', 'ignore'] });
  const done = new Promise<void>((resolve) => {
    head.once('exit', () => resolve());
    head.once('error', () => resolve());
  });
  let closed = false;
  return {
    writeFd,
    head,
    done,
    closeOurEnds() {
      if (closed) return;
      closed = true;
      closeSync(readFd);
      closeSync(writeFd);
    },
  };
}
