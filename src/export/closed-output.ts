// A reader that goes away early (`kamheap --help | head -1`, `walk ... --json - | head -c 50`)
// closes the pipe under us. Node reports that as an 'error' event on process.stdout (EPIPE), and an
// 'error' event nobody listens to is a crash with a stack trace. Whether the write itself completed
// synchronously (a pipe on Linux) or was still pending (a large snapshot), and whether it failed
// inside write() (a file: fs.writeSync) or later, Node delivers the failure the same two ways: to
// the write's callback and as that event. Both end here: the stream is marked closed, later writes
// are dropped, and the run ends with the exit code it would have had. Any other failure of stdout
// (a full disk: ENOSPC) is kept, so the run can end with one line saying so.

type Output = NodeJS.WritableStream;

const guarded = new WeakSet<Output>();
const closed = new WeakSet<Output>();
let stdoutFailure: NodeJS.ErrnoException | undefined;

/** True for the errors of a write to a pipe whose reader has gone away. */
export function isClosedPipeError(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/** Listens for write failures on stdout and stderr, once per process (idempotent). */
export function guardStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    stream.on('error', (error: Error) => outputFailed(stream, error));
  }
}

/** Writes `text` (or bytes) and waits until it is written; resolves (never rejects) once the output has failed. */
export function writeOutput(stream: Output, text: string | Uint8Array): Promise<void> {
  if (closed.has(stream)) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write(text, (error) => {
      if (error) outputFailed(stream, error);
      resolve();
    });
  });
}

/** Waits until what was written to stdout is written, or has failed and been reported to us. */
export async function settleStdout(): Promise<void> {
  await writeOutput(process.stdout, '');
  // The 'error' event of a failed write comes a tick after its callback.
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Why stdout failed, when it was not its reader going away (that one is not an error of the run). */
export function stdoutWriteFailure(): NodeJS.ErrnoException | undefined {
  return stdoutFailure;
}

// Marks the stream closed; keeps the first stdout failure that is not a closed pipe.
function outputFailed(stream: Output, error: Error): void {
  closed.add(stream);
  // A write after the stream was destroyed fails with ERR_STREAM_DESTROYED: a consequence, not the cause.
  const code = (error as NodeJS.ErrnoException).code;
  if (stream !== process.stdout || isClosedPipeError(error) || code === 'ERR_STREAM_DESTROYED') return;
  stdoutFailure ??= error;
}
