#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// The signal handlers come first, before the CLI is loaded (a few hundred ms): a Ctrl-C during
// the start-up ends kamheap with its own exit code, not Node's silent default.
import { captureSignals } from '../dist/src/cli/signal-capture.js';

captureSignals();
const { main } = await import('../dist/src/cli/index.js');
const code = await main(process.argv);
process.exitCode = code;
// Every gdb, guard and timer is ended by the time main() returns. Should anything still hold the
// event loop, kamheap exits anyway: it must never hang after its work is done.
setTimeout(() => process.exit(code), 2000).unref();
