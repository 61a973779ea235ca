// The attach window: the instant the target's TracerPid turns non-zero, found by a tight
// synchronous poll of /proc (a timer would see it milliseconds late, after gdb's attach is done).
// It blocks this process's event loop on purpose, and is bounded.
import { readStat, tracerPid } from './proc-facts.js';

export type WindowResult =
  | { seen: true; tracer: number; atMs: number }
  | { seen: false; why: 'kamheap exited' | 'target gone' | 'not within the bound'; atMs: number };

/** Polls until `target` is traced, `kamheap` has exited, or `boundMs` passed. */
export function waitAttachWindow(target: number, kamheap: number, boundMs: number): WindowResult {
  const start = performance.now();
  for (let i = 0; ; i++) {
    const tracer = tracerPid(target);
    if (tracer === undefined) return { seen: false, why: 'target gone', atMs: performance.now() };
    if (tracer !== 0) return { seen: true, tracer, atMs: performance.now() };
    // Every so often: is kamheap still there (a zombie has exited; Node reaps it only later)?
    if (i % 64 === 63) {
      const state = readStat(kamheap)?.state;
      if (state === undefined || state === 'Z') return { seen: false, why: 'kamheap exited', atMs: performance.now() };
      if (performance.now() - start > boundMs) return { seen: false, why: 'not within the bound', atMs: performance.now() };
    }
  }
}
