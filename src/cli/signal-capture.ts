// kamheap's one handler for SIGINT, SIGTERM and SIGHUP, installed by bin/kamheap.js before the rest
// of the CLI is even loaded (that takes a few hundred milliseconds, during which Node's default
// would kill the process without a word). While a run is under a RunControl, a signal goes to it:
// the run stops, detaches and ends with exit 9. Outside of one (starting up, parsing options,
// commands that never attach) nothing is stopped, so kamheap ends at once with exit 9.
// This file imports nothing, so it loads in no time.

const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Exit code of an interrupted run (ExitCode.interrupted in errors.ts; not imported: see above). */
const interruptedExitCode = 9;

let route: ((signal: NodeJS.Signals) => void) | undefined;
let installed = false;

/** Installs the handlers, once per process. */
export function captureSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of signals) process.on(signal, onSignal);
}

/** Sends the signals to `handler` until the returned function is called. */
export function routeSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  captureSignals();
  route = handler;
  return () => {
    if (route === handler) route = undefined;
  };
}

function onSignal(signal: NodeJS.Signals): void {
  if (route) return route(signal);
  process.stderr.write(`kamheap: interrupted by ${signal}\n`);
  process.exit(interruptedExitCode);
}
