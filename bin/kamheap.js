#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// The signal handlers come first, before the CLI is loaded (a few hundred ms): a Ctrl-C during
// the start-up ends kamheap with its own exit code, not Node's silent default.
import { captureSignals } from '../dist/src/cli/signal-capture.js';

captureSignals();
const { main } = await import('../dist/src/cli/index.js');
const code = await main(process.argv);
// main() has ended every gdb, guard and timer and flushed stdout. Exiting now, rather than when the
// event loop has drained, leaves no moment in which Node has already dropped the signal handlers
// (a Ctrl-C would then kill it) and no way for a forgotten handle to make kamheap hang.
process.exit(code);
