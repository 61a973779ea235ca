// `kamheap serve <pid>`: a Prometheus exporter. Walks run on their own period; a scrape is answered
// at once from the last completed sample. SIGINT/SIGTERM end it: a walk in progress detaches, the
// socket closes, exit 0.
import { Command } from 'commander';
import type { HeapKind } from '../heap/heap-nouns.js';
import { inspectProcess } from '../proc/process.js';
import { renderExposition } from '../serve/exposition.js';
import { authorityOf, defaultListen } from '../serve/listen-address.js';
import { listenMetrics } from '../serve/metrics-server.js';
import { runSampleLoop, stderrLog } from '../serve/sample-loop.js';
import { serveFamilies, type ServeState } from '../serve/serve-metrics.js';
import { heapsOfRound, SampleTaker } from '../serve/take-sample.js';
import { toolVersion } from '../util/version.js';
import { defaultMaxPause, maxPauseHelp } from './options.js';
import { controlFromSignals } from './run-controlled.js';
import { maxTop, minServeIntervalMs, parseServeOptions, type RawServeOptions, type ServeOptions } from './serve-options.js';

/** Builds the command. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('expose Prometheus metrics of the heaps, from walks taken every INTERVAL seconds (shm read live: nothing is stopped)')
    .argument('<pid>', 'Kamailio process ID (any process of the instance)')
    .option('--listen <host:port>', 'address to answer scrapes on (IP address or localhost; port 0: any free port)', defaultListen)
    .option('--interval <seconds>', `period of the walks, from ${minServeIntervalMs / 1000} s`, '30')
    .option('--heap <kind>', 'heap walked: shm (live, nothing stopped; default) or pkg (the PID\'s own pkg heap: stops that process briefly each walk)')
    .option('--all', 'walk shm and the pkg heap of every process (walk --all): STOPS each process briefly, one after the other, every walk')
    .option('--top <k>', `sites per heap with a series of their own (0 to ${maxTop}); the others are summed in site="other"`, '20')
    .option('--max-pause <seconds>', maxPauseHelp, defaultMaxPause)
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .addHelpText(
      'after',
      '\nWithout --heap pkg or --all nothing is stopped: shm is walked live and every process\'s pkg totals are\n' +
        'read from its heap header, as `kamheap ps` reads them. Scrapes never walk: they get the last sample,\n' +
        'stamped with the time it was taken. Metrics and labels: README, "serve".',
    )
    .action(async (pidText: string, raw: RawServeOptions) => {
      await serve(parseServeOptions(pidText, raw));
    });
}

/** Listens, then samples until SIGINT/SIGTERM (returns) or a failure that ends it (throws). */
export async function serve(options: ServeOptions): Promise<void> {
  const target = inspectProcess(options.pid);
  const { control, dispose } = controlFromSignals(undefined);
  const state: ServeState = { version: toolVersion(), sample: undefined, walkErrors: { shm: 0, pkg: 0 }, lastSuccessMs: undefined };
  try {
    const server = await listenMetrics(options.listen, () => renderExposition(serveFamilies(state, options.top)));
    try {
      stderrLog(`listening on http://${authorityOf(server.address)}/metrics; ${roundText(options)}`);
      const taker = new SampleTaker({ pid: options.pid, kind: options.kind, all: options.all, control, maxPauseMs: options.maxPauseMs, gdbPath: options.gdbPath });
      await runSampleLoop(state, { target, intervalMs: options.intervalMs, control, take: () => taker.take(), heaps: heapsOfRound(options), log: stderrLog });
    } finally {
      await server.close();
    }
  } finally {
    dispose();
  }
}

/** What each round does, for the start-up line. */
function roundText({ intervalMs, all, kind }: ServeOptions): string {
  const what: Record<HeapKind, string> = {
    shm: 'shm walked live and every pkg heap\'s totals read (nothing stopped)',
    pkg: 'the PID\'s pkg heap walked (stopped briefly) and every pkg heap\'s totals read',
  };
  return `every ${intervalMs / 1000} s: ${all ? 'shm walked live and every pkg heap walked (each process stopped briefly)' : what[kind]}`;
}
