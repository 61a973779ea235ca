// The size table: one column per heap (shm sizes, then pkg), one row per figure, and a last
// column with the figure's slope per million fragments over the shm sizes; then per-heap details,
// the fragment and mode checks, and the targets.
import { targets } from './allocator-report.js';
import { fixed, grouped, mb, median, minMedian, table, worst } from './format.js';
import { medianRun, type MethodResult } from './method-result.js';
import { describeSlope, slopePerMillion } from './slopes.js';
import { sizeLabel, type SizeResult } from './size-result.js';

export interface SizeReportContext {
  /** Which code was measured (describeSourceState). */
  source: string;
  /** The CLI has `walk --stop` (else there is no live column). */
  stopFlag: boolean;
}

/** Issue 10's targets for the largest shm heap. */
export const issue10 = { rssMb: 300, wallPerRead: 3 } as const;

interface Row {
  label: string;
  /** The figure's value for the slope (ms or MB); null: not measured, or no slope for this row. */
  value(r: SizeResult): number | null;
  /** The printed cell. */
  cell(r: SizeResult): string;
  /** Slope unit, or null for rows without a slope. */
  unit: 'ms' | 'MB' | null;
}

const seconds = (ms: number | null): string => fixed(ms === null ? null : ms / 1000, 2);
const stopped = (r: SizeResult): MethodResult | null => (r.stopped.length > 0 ? medianRun(r.stopped) : null);
const live = (r: SizeResult): MethodResult | null => (r.live.length > 0 ? medianRun(r.live) : null);
const liveRead = (r: SizeResult): number | null => median(r.rawLive.map((x) => x.readMs));

// A method's figure, or why it is missing (a note for the live rows).
function methodCell(m: MethodResult | null, value: (m: MethodResult) => number | null, show: (v: number | null) => string, missing = '-'): string {
  return m === null ? missing : show(value(m));
}

// The seed loop's cells say when they are extrapolated from a bounded range.
function seedCell(r: SizeResult, value: (m: MethodResult) => number | null): string {
  if (r.seed === null) return '-';
  const text = seconds(value(r.seed));
  return r.seed.sampledFragments === null ? text : `${text} (extrapolated)`;
}

// The live rows' cell when there are no live runs: the reason, shortened.
function liveMissing(r: SizeResult): string {
  if (r.heap === 'pkg') return 'n/a (pkg: stopped)';
  return r.liveNote === null ? '-' : 'skipped (no --stop)';
}

const rows: Row[] = [
  { label: 'fragments', unit: null, value: () => null, cell: (r) => grouped(r.fragments) },
  { label: 'seed GDB loop: wall s', unit: 'ms', value: (r) => r.seed?.wallMs ?? null, cell: (r) => seedCell(r, (m) => m.wallMs) },
  {
    label: 'seed GDB loop: stop seen s',
    unit: 'ms',
    value: (r) => r.seed?.observedStop.stoppedMs ?? null,
    cell: (r) => seedCell(r, (m) => m.observedStop.stoppedMs),
  },
  { label: 'script walker: wall s', unit: 'ms', value: (r) => r.script?.wallMs ?? null, cell: (r) => methodCell(r.script, (m) => m.wallMs, seconds) },
  {
    label: 'script walker: stop seen s',
    unit: 'ms',
    value: (r) => r.script?.observedStop.stoppedMs ?? null,
    cell: (r) => methodCell(r.script, (m) => m.observedStop.stoppedMs, seconds),
  },
  { label: 'bulk stopped: wall s', unit: 'ms', value: (r) => stopped(r)?.wallMs ?? null, cell: (r) => methodCell(stopped(r), (m) => m.wallMs, seconds) },
  {
    label: 'bulk stopped: stop seen ms',
    unit: 'ms',
    value: (r) => stopped(r)?.observedStop.stoppedMs ?? null,
    cell: (r) => methodCell(stopped(r), (m) => m.observedStop.stoppedMs, (v) => fixed(v, 0)),
  },
  {
    label: 'bulk stopped: kamheap pauseMs',
    unit: 'ms',
    value: (r) => stopped(r)?.pauseMs ?? null,
    cell: (r) => methodCell(stopped(r), (m) => m.pauseMs, (v) => fixed(v, 0)),
  },
  {
    label: 'bulk stopped: attachMs / detachMs',
    unit: null,
    value: () => null,
    cell: (r) => methodCell(stopped(r), () => null, () => attachDetach(stopped(r))),
  },
  {
    label: 'bulk live: wall s',
    unit: 'ms',
    value: (r) => live(r)?.wallMs ?? null,
    cell: (r) => methodCell(live(r), (m) => m.wallMs, seconds, liveMissing(r)),
  },
  {
    label: 'bulk live: stop seen ms',
    unit: 'ms',
    value: (r) => live(r)?.observedStop.stoppedMs ?? (live(r) === null ? null : 0),
    cell: (r) => methodCell(live(r), (m) => m.observedStop.stoppedMs ?? 0, (v) => fixed(v, 0), liveMissing(r)),
  },
  {
    label: 'floor, stopped read: pause ms',
    unit: 'ms',
    value: (r) => median(r.rawStop.map((x) => x.pauseMs)),
    cell: (r) => fixed(median(r.rawStop.map((x) => x.pauseMs)), 0),
  },
  {
    label: 'floor, stopped read: stop seen ms',
    unit: 'ms',
    value: (r) => median(r.rawStop.map((x) => x.observedStop.stoppedMs)),
    cell: (r) => fixed(median(r.rawStop.map((x) => x.observedStop.stoppedMs)), 0),
  },
  { label: 'floor, live read: ms', unit: 'ms', value: liveRead, cell: (r) => fixed(liveRead(r), 0) },
  { label: 'bytes read MB (walk.bytesRead)', unit: 'MB', value: (r) => mb(r.floorBytes, 2 ** 20), cell: (r) => fixed(mb(r.floorBytes, 2 ** 20), 1) },
  {
    label: 'kamheap peak RSS MB: bulk stopped',
    unit: 'MB',
    value: (r) => mb(stopped(r)?.toolRssKb ?? null),
    cell: (r) => methodCell(stopped(r), (m) => mb(m.toolRssKb), (v) => fixed(v, 0)),
  },
  {
    label: 'kamheap peak RSS MB: bulk live',
    unit: 'MB',
    value: (r) => mb(live(r)?.toolRssKb ?? null),
    cell: (r) => methodCell(live(r), (m) => mb(m.toolRssKb), (v) => fixed(v, 0), liveMissing(r)),
  },
  {
    label: 'kamheap peak RSS MB: --fragments (default mode)',
    unit: 'MB',
    value: (r) => (r.withFragments?.ok ? mb(r.withFragments.toolRssKb) : null),
    cell: (r) => fragmentsCell(r),
  },
  {
    label: 'bulk wall / floor live read',
    unit: null,
    value: () => null,
    cell: (r) => ratio((live(r) ?? stopped(r))?.wallMs ?? null, liveRead(r)),
  },
];

// "12 / 30", or n/a when the snapshot has no such fields (kamheap before issue 10's attach work).
function attachDetach(m: MethodResult | null): string {
  if (m === null || (m.attachMs === null && m.detachMs === null)) return 'n/a';
  return `${fixed(m.attachMs, 0)} / ${fixed(m.detachMs, 0)}`;
}

// The --fragments run's peak RSS, marked when it failed (its peak until the failure).
function fragmentsCell(r: SizeResult): string {
  const run = r.withFragments;
  if (run === null) return '-';
  const rss = fixed(mb(run.toolRssKb ?? run.treeRssKb), 0);
  return run.ok ? rss : `FAILED (${rss} at exit)`;
}

// a / b as "4.2x".
function ratio(a: number | null, b: number | null): string {
  return a === null || b === null || b <= 0 ? 'n/a' : `${(a / b).toFixed(1)}x`;
}

/** The size table: figures by heap, with the shm slope per million fragments. */
export function renderSizeTable(results: readonly SizeResult[]): string[] {
  const shm = results.filter((r) => r.heap === 'shm' && r.fragments !== null);
  const header = ['figure (median of the runs)', ...results.map(sizeLabel), 'slope per 1M fragments (shm)'];
  const body = rows.map((row) => {
    const slope =
      row.unit === null ? null : slopePerMillion(shm.map((r) => ({ fragments: r.fragments ?? 0, value: row.value(r) })));
    const unit = row.unit === null ? '' : describeSlope(slope, row.unit, row.unit === 'MB' ? 1 : 0);
    return [row.label, ...results.map((r) => (r.error !== null && r.fragments === null ? 'FAILED' : row.cell(r))), unit];
  });
  return table(header, body);
}

// Per heap: target, fill, the runs' spread, modes, the floor's parts, --fragments, the seed loop's range.
function detailLines(r: SizeResult): string[] {
  const name = sizeLabel(r);
  if (r.targetPid === null) return [`${name}: FAILED: ${firstLine(r.error)}`];
  const lines = [`${name}: PID ${r.targetPid} (${r.targetRole ?? '?'}); ${r.fill ?? '?'}, filled in ${seconds(r.fillMs)} s`];
  const spread = (label: string, runs: readonly MethodResult[]): void => {
    if (runs.length === 0) return;
    const part = (what: string, values: (number | null)[], digits: number, unit: string): string => {
      const s = minMedian(values);
      return s === null ? `${what} n/a` : `${what} ${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${fixed(worst(values), digits)} ${unit}`;
    };
    const modes = [...new Set(runs.map((m) => m.consistencyMode ?? 'not stated'))].join(', ');
    const gaps = Math.max(...runs.map((m) => m.observedStop.maxGapMs));
    lines.push(
      `  ${label} x${runs.length} (min / median / worst): ${part('wall', runs.map((m) => m.wallMs / 1000), 2, 's')}; ` +
        `${part('stop seen', runs.map((m) => m.observedStop.stoppedMs), 0, 'ms')}; ${part('pauseMs', runs.map((m) => m.pauseMs), 0, 'ms')}; ` +
        `${part('RSS', runs.map((m) => mb(m.toolRssKb)), 0, 'MB')}; walk.consistency.mode: ${modes}; sampler gap <= ${gaps.toFixed(1)} ms`,
    );
  };
  spread('bulk stopped', r.stopped);
  spread('bulk live', r.live);
  if (r.liveNote !== null) lines.push(`  bulk live: ${r.liveNote}`);
  if (r.rawStop.length > 0) {
    const m = (pick: (x: (typeof r.rawStop)[number]) => number): string => fixed(median(r.rawStop.map(pick)), 1);
    lines.push(
      `  floor x${r.rawStop.length}, stopped: ${m((x) => x.pauseMs)} ms pause = attach ${m((x) => x.attachMs)} + read ${m((x) => x.readMs)} + ` +
        `detach ${m((x) => x.detachMs)} ms (${r.rawStop[0]?.threads ?? '?'} thread(s)); live x${r.rawLive.length}: read ` +
        `${fixed(minMedian(r.rawLive.map((x) => x.readMs))?.min ?? null, 1)} / ${fixed(liveRead(r), 1)} ms (min / median); ` +
        `${grouped(r.floorBytes)} bytes from the first fragment`,
    );
  }
  const f = r.withFragments;
  if (f !== null) {
    const size = f.jsonBytes === null ? 'no JSON file' : `JSON ${fixed(mb(f.jsonBytes, 2 ** 20), 0)} MB`;
    lines.push(
      `  --fragments: ${f.ok ? 'ok' : `FAILED, ${f.failure ?? ''}`}; wall ${seconds(f.wallMs)} s, kamheap RSS ${fixed(mb(f.toolRssKb), 0)} MB ` +
        `(tree ${fixed(mb(f.treeRssKb), 0)} MB), ${size}`,
    );
  }
  if (r.seed !== null && r.seed.sampledFragments !== null) {
    lines.push(
      `  seed GDB loop: walked the first ${grouped(r.seed.sampledFragments)} of ${grouped(r.seed.fragments)} fragments; ` +
        'its stop scaled by the fragment count, gdb start-up not (extrapolated)',
    );
  }
  if (r.error !== null) lines.push(`  FAILED after these runs: ${firstLine(r.error)}`);
  return lines;
}

function firstLine(text: string | null): string {
  return (text ?? '').split('\n')[0] ?? '';
}

/** Fragment counts that disagree within a heap (the heap is quiet, so every walk must agree). */
export function sizeAgreement(results: readonly SizeResult[]): string[] {
  const messages: string[] = [];
  for (const r of results) {
    const counts: [string, number][] = [];
    if (r.fragments !== null) counts.push(['probe', r.fragments]);
    if (r.seed !== null && r.seed.sampledFragments === null) counts.push(['seed loop', r.seed.fragments]);
    if (r.script !== null) counts.push(['script', r.script.fragments]);
    r.stopped.forEach((m, i) => counts.push([`stopped #${i + 1}`, m.fragments]));
    r.live.forEach((m, i) => counts.push([`live #${i + 1}`, m.fragments]));
    if (counts.some(([, c]) => c !== counts[0]?.[1])) {
      messages.push(`FRAGMENT COUNT MISMATCH on ${sizeLabel(r)}: ${counts.map(([w, c]) => `${w} ${c}`).join(', ')}`);
    }
  }
  return messages;
}

/** Runs whose snapshot states another mode than their column (a live column must not hold stopped walks). */
export function modeMismatches(results: readonly SizeResult[]): string[] {
  const messages: string[] = [];
  for (const r of results) {
    const wrong = (runs: readonly MethodResult[], expected: 'stopped' | 'live'): number =>
      runs.filter((m) => m.consistencyMode !== null && m.consistencyMode !== expected).length;
    const badStopped = wrong(r.stopped, 'stopped');
    const badLive = wrong(r.live, 'live');
    if (badStopped > 0) messages.push(`MODE MISMATCH on ${sizeLabel(r)}: ${badStopped} bulk stopped run(s) report walk.consistency.mode live`);
    if (badLive > 0) messages.push(`MODE MISMATCH on ${sizeLabel(r)}: ${badLive} bulk live run(s) report walk.consistency.mode stopped`);
  }
  return messages;
}

// PASS/MISS lines: the earlier targets at 64 MB, issue 10's at the largest shm heap.
function verdictLines(results: readonly SizeResult[]): string[] {
  const lines: string[] = [];
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');
  const small = results.find((r) => r.heap === 'shm' && r.sizeMb === targets.heapMb);
  if (small !== undefined && small.stopped.length > 0) {
    const bulk = medianRun(small.stopped);
    if (small.seed !== null && small.seed.sampledFragments === null) {
      const speedUp = small.seed.wallMs / bulk.wallMs;
      lines.push(`target: bulk >= ${targets.speedUp}x faster end to end than the seed loop at shm 64 MB: ${speedUp.toFixed(1)}x ... ${verdict(speedUp >= targets.speedUp)}`);
    }
    const worstPause = worst(small.stopped.map((m) => m.pauseMs));
    const big = bulk.fragments >= targets.minFragments;
    lines.push(
      `target: stopped pause < ${targets.pauseMs} ms at >= ${grouped(targets.minFragments)} fragments, shm 64 MB: worst of ${small.stopped.length} ` +
        `${fixed(worstPause, 1)} ms ... ${verdict(big && worstPause !== null && worstPause < targets.pauseMs)}${big ? '' : ' (fewer fragments)'}`,
    );
  }
  const shm = results.filter((r) => r.heap === 'shm' && r.stopped.length > 0);
  const largest = shm.at(-1);
  if (largest !== undefined && largest !== small) {
    const main = live(largest) ?? medianRun(largest.stopped);
    const which = largest.live.length > 0 ? 'live' : 'stopped';
    const rss = [mb(main.toolRssKb), largest.withFragments === null ? null : mb(largest.withFragments.toolRssKb ?? largest.withFragments.treeRssKb)];
    const fragmentsOk = largest.withFragments?.ok ?? false;
    const rssOk = rss.every((v) => v !== null && v <= issue10.rssMb) && fragmentsOk;
    const read = liveRead(largest);
    const wallOk = read !== null && main.wallMs <= issue10.wallPerRead * read;
    const name = sizeLabel(largest);
    lines.push(
      `issue 10 target at ${name}: kamheap RSS <= ${issue10.rssMb} MB with and without --fragments: ${fixed(rss[0] ?? null, 0)} MB (bulk ${which}), ` +
        `${fragmentsOk ? `${fixed(rss[1] ?? null, 0)} MB` : 'FAILED'} (--fragments) ... ${verdict(rssOk)}`,
      `issue 10 target at ${name}: wall <= ${issue10.wallPerRead}x one read of the same bytes: ${seconds(main.wallMs)} s (bulk ${which}) vs ` +
        `${fixed(read, 0)} ms (live read) = ${ratio(main.wallMs, read)} ... ${verdict(wallOk)}`,
    );
  }
  return lines;
}

/** The whole size report (stdout). */
export function renderSizeReport(results: readonly SizeResult[], context: SizeReportContext): string {
  const cli = context.stopFlag
    ? 'kamheap walk has --stop: "bulk stopped" passes --stop, "bulk live" passes nothing (shm only; pkg is walked stopped)'
    : 'kamheap walk has NO --stop: this build walks shm stopped only, so "bulk stopped" is its default walk and the "bulk live" rows are skipped';
  const lines = [
    context.source,
    cli,
    'stop seen = time an external sampler (bench/stop-sampler.c, /proc/PID/stat every 1 ms) saw the target in t/T state; ' +
      'floor = bench/raw-read.c, one read of the same bytes from /proc/PID/mem; RSS = kamheap\'s own process (getrusage)',
    '',
    ...renderSizeTable(results),
    '',
    ...results.flatMap(detailLines),
    ...sizeAgreement(results),
    ...modeMismatches(results),
    ...verdictLines(results),
  ];
  return `${lines.join('\n')}\n`;
}
