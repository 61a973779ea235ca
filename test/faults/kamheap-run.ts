// One kamheap run as a user starts it (`node bin/kamheap.js walk ...`), with its own TMPDIR, the
// trial marker in its environment, and its stdout captured or handed to a pipe reader.
import { spawn, type ChildProcess } from 'node:child_process';
import { kamheapBin } from '../helpers/run-cli.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the 'exit' event came. */
  at: number;
}

export interface RunOutput {
  exit: ExitInfo;
  stdout: string;
  stderr: string;
}

export interface KamheapSpec {
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** A file descriptor to write stdout to (a pipe reader's), instead of capturing it. */
  stdoutFd?: number;
}

/** A started run: its PID, when it started, and its end. */
export interface KamheapRun {
  pid: number;
  startedAt: number;
  child: ChildProcess;
  exited(): ExitInfo | undefined;
  /** Resolves on the 'exit' event. */
  exit: Promise<ExitInfo>;
  /** Resolves once it exited and its pipes closed (bounded: a descendant holding them does not stall it). */
  output: Promise<RunOutput>;
}

const MAX_CAPTURE = 4 * 1024 * 1024;
const PIPES_GRACE_MS = 3000;

/** Spawns kamheap in this process's group (a signal to its PID reaches it alone). */
export function startKamheap(spec: KamheapSpec): KamheapRun {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [kamheapBin, ...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', spec.stdoutFd ?? 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`cannot start ${kamheapBin}`);
  const stdout = capture(child.stdout);
  const stderr = capture(child.stderr);
  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: performance.now() };
      resolve(exit);
    });
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const output = exited.then(async (info) => {
    await Promise.race([closed, new Promise((r) => setTimeout(r, PIPES_GRACE_MS))]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    return { exit: info, stdout: stdout.text(), stderr: stderr.text() };
  });
  return { pid: child.pid, startedAt, child, exited: () => exit, exit: exited, output };
}

// Collects a stream's bytes (bounded) as text.
function capture(stream: NodeJS.ReadableStream | null): { text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  stream?.on('data', (chunk: Buffer) => {
    if (size < MAX_CAPTURE) chunks.push(chunk);
    size += chunk.length;
  });
  stream?.on('error', () => undefined);
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}
