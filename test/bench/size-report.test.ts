// The size table and its checks, from made-up runs: what each cell says when a figure is
// extrapolated, skipped, failed or missing, and the slope column.
import { describe, expect, it } from 'vitest';
import type { FragmentsRun } from '../../bench/kamheap-walk.js';
import type { MethodResult } from '../../bench/method-result.js';
import type { RawReadResult } from '../../bench/raw-read.js';
import { modeMismatches, renderSizeReport, renderSizeTable, sizeAgreement } from '../../bench/size-report.js';
import { emptySizeResult, sizeLabel, type SizeResult } from '../../bench/size-result.js';
import type { StopObservation } from '../../bench/target-stop.js';

function stop(stoppedMs: number | null): StopObservation {
  return { stoppedMs, stoppedUpperMs: stoppedMs, spans: stoppedMs === null ? 0 : 1, firstToLastMs: stoppedMs, maxGapMs: 2, meanGapMs: 1, samples: 100, stoppedSamples: 10 };
}

function run(id: MethodResult['id'], fragments: number, wallMs: number, stoppedMs: number | null, rssMb: number, extra: Partial<MethodResult> = {}): MethodResult {
  return {
    id, fragments, wallMs, pauseMs: stoppedMs, observedStop: stop(stoppedMs), toolRssKb: rssMb * 1024, treeRssKb: rssMb * 1024,
    heapBytes: 64 * 2 ** 20, heapBlock: '0x7f0000000000', allocator: 'q_malloc', bytesRead: 30 * 2 ** 20, walkMs: wallMs - 300,
    modules: ['core'], consistencyMode: null, attachMs: null, detachMs: null, sampledFragments: null, ...extra,
  };
}

function raw(mode: 'stop' | 'live', readMs: number): RawReadResult {
  const pause = mode === 'stop' ? readMs + 1 : 0;
  return { mode, bytes: 30 * 2 ** 20, threads: mode === 'stop' ? 1 : 0, attachMs: 0.5, readMs, detachMs: 0.5, pauseMs: pause, wallMs: readMs + 40, observedStop: stop(mode === 'stop' ? pause : null) };
}

function fragmentsRun(ok: boolean, rssMb: number): FragmentsRun {
  return {
    ok, failure: ok ? null : 'exit 1: kamheap: internal error: Invalid string length', wallMs: 20_000, toolRssKb: rssMb * 1024,
    treeRssKb: rssMb * 1024, jsonBytes: ok ? 2 ** 20 : 0, observedStop: stop(900),
  };
}

/** A measured shm heap: fragments, bulk wall, RSS; the floor reads in `readMs`. */
function shm(sizeMb: number, fragments: number, wallMs: number, rssMb: number, readMs: number): SizeResult {
  return {
    ...emptySizeResult('shm', sizeMb),
    targetPid: 1000 + sizeMb, targetRole: 'udp receiver child=0', fill: 'cells', fillMs: 1_000, fragments,
    stopped: [run('bulk', fragments, wallMs, wallMs / 10, rssMb), run('bulk', fragments, wallMs + 200, wallMs / 10, rssMb), run('bulk', fragments, wallMs - 100, wallMs / 10, rssMb)],
    liveNote: 'SKIPPED: no --stop',
    withFragments: fragmentsRun(true, rssMb * 2),
    rawStop: [raw('stop', readMs)], rawLive: [raw('live', readMs)], floorBytes: 30 * 2 ** 20,
  };
}

// The cells of one row, by its label.
function rowOf(lines: string[], label: string): string[] {
  const line = lines.find((l) => l.startsWith(`| ${label} `));
  if (line === undefined) throw new Error(`no row ${label}`);
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

describe('renderSizeTable', () => {
  const small = shm(64, 116_260, 1_500, 170, 15);
  small.seed = run('seed-loop', 116_260, 46_400, 46_200, 70);
  small.script = run('script', 116_260, 84_400, 83_500, 134);
  const large = shm(2048, 4_500_000, 11_000, 2_640, 450);
  large.seed = run('seed-loop', 4_500_000, 1_800_000, 1_799_800, 70, { sampledFragments: 20_000 });
  large.withFragments = fragmentsRun(false, 3_900);
  const pkg: SizeResult = { ...shm(256, 900_996, 6_900, 590, 150), heap: 'pkg', liveNote: 'n/a: pkg' };
  const lines = renderSizeTable([small, large, pkg]);

  it('has one column per heap and the slope column, as a Markdown table', () => {
    expect(lines[0]).toMatch(/^\| figure \(median of the runs\) +\| +shm 64 MB \| +shm 2 GB \| +pkg 256 MB \| slope per 1M fragments \(shm\) \|$/);
    expect(lines[1]).toMatch(/^\| -+ \| -+: \| -+: \| -+: \| -+: \|$/);
    expect(rowOf(lines, 'fragments')).toEqual(['fragments', '116,260', '4,500,000', '900,996', '']);
  });

  it('labels the seed loop extrapolated where it walked a bounded range', () => {
    expect(rowOf(lines, 'seed GDB loop: wall s').slice(1, 4)).toEqual(['46.40', '1800.00 (extrapolated)', '-']);
  });

  it('gives the script walker at 64 MB only', () => {
    expect(rowOf(lines, 'script walker: wall s').slice(1, 4)).toEqual(['84.40', '-', '-']);
  });

  it('takes the median of the repeated bulk runs', () => {
    expect(rowOf(lines, 'bulk stopped: wall s').slice(1, 4)).toEqual(['1.50', '11.00', '6.90']);
  });

  it('says why there is no live column, and never fills it with stopped runs', () => {
    expect(rowOf(lines, 'bulk live: wall s').slice(1, 4)).toEqual(['skipped (no --stop)', 'skipped (no --stop)', 'n/a (pkg: stopped)']);
    expect(rowOf(lines, 'bulk live: wall s')[4]).toBe('n/a');
  });

  it('marks a failed --fragments run with its RSS at exit, and leaves it out of the slope', () => {
    const row = rowOf(lines, 'kamheap peak RSS MB: --fragments');
    expect(row.slice(1, 4)).toEqual(['340', 'FAILED (3900 at exit)', '1180']);
    expect(row[4]).toBe('n/a');
  });

  it('fits the slope over the shm sizes only, per million fragments', () => {
    // (11,000 - 1,500) ms over (4,500,000 - 116,260) fragments
    expect(rowOf(lines, 'bulk stopped: wall s')[4]).toBe('2,167 ms/1M (2 sizes)');
    // (2,640 - 170) MB over the same: 563.45
    expect(rowOf(lines, 'kamheap peak RSS MB: bulk stopped')[4]).toBe('563.4 MB/1M (2 sizes)');
  });

  it('prints n/a for attach and detach times the snapshot does not give, and both when it does', () => {
    expect(rowOf(lines, 'bulk stopped: attachMs / detachMs')[1]).toBe('n/a');
    const timed = shm(64, 116_260, 1_500, 170, 15);
    timed.stopped = timed.stopped.map((m) => ({ ...m, attachMs: 12.4, detachMs: 30.2 }));
    expect(rowOf(renderSizeTable([timed]), 'bulk stopped: attachMs / detachMs')[1]).toBe('12 / 30');
  });

  it('divides the bulk wall by the live floor read', () => {
    expect(rowOf(lines, 'bulk wall / floor live read').slice(1, 4)).toEqual(['100.0x', '24.4x', '46.0x']);
  });

  it('shows a heap that failed before its probe as FAILED throughout', () => {
    const failed = { ...emptySizeResult('shm', 512), error: 'kamailio did not start' };
    expect(rowOf(renderSizeTable([small, failed]), 'bulk stopped: wall s').slice(1, 3)).toEqual(['1.50', 'FAILED']);
  });
});

describe('the live column, once the CLI has --stop', () => {
  const heap = shm(512, 1_016_260, 3_000, 660, 100);
  heap.liveNote = null;
  heap.stopped = heap.stopped.map((m) => ({ ...m, consistencyMode: 'stopped' }));
  heap.live = [run('bulk-live', 1_016_260, 2_000, null, 300, { consistencyMode: 'live', pauseMs: 0 })];

  it('reads 0 ms stop seen for a live walk the sampler never saw stopped', () => {
    const lines = renderSizeTable([heap]);
    expect(rowOf(lines, 'bulk live: wall s')[1]).toBe('2.00');
    expect(rowOf(lines, 'bulk live: stop seen ms')[1]).toBe('0');
  });

  it('reports runs whose stated mode contradicts their column', () => {
    expect(modeMismatches([heap])).toEqual([]);
    const wrong = { ...heap, live: heap.live.map((m) => ({ ...m, consistencyMode: 'stopped' as const })) };
    expect(modeMismatches([wrong])).toEqual(['MODE MISMATCH on shm 512 MB: 1 bulk live run(s) report walk.consistency.mode stopped']);
  });
});

describe('sizeAgreement', () => {
  it('accepts equal counts, and leaves an extrapolated seed loop out', () => {
    const heap = shm(2048, 4_500_000, 11_000, 2_640, 450);
    heap.seed = run('seed-loop', 4_500_000, 1, 1, 1, { sampledFragments: 20_000 });
    expect(sizeAgreement([heap])).toEqual([]);
  });

  it('names every count when one run disagrees', () => {
    const heap = shm(64, 116_260, 1_500, 170, 15);
    heap.stopped[1] = { ...heap.stopped[1]!, fragments: 116_259 };
    expect(sizeAgreement([heap])).toEqual([
      'FRAGMENT COUNT MISMATCH on shm 64 MB: probe 116260, stopped #1 116260, stopped #2 116259, stopped #3 116260',
    ]);
  });
});

describe('renderSizeReport', () => {
  it('says whether the CLI has --stop, and gives the targets', () => {
    const small = shm(64, 116_260, 1_500, 170, 15);
    small.seed = run('seed-loop', 116_260, 46_400, 46_200, 70);
    const large = shm(2048, 4_500_000, 11_000, 2_640, 450);
    large.withFragments = fragmentsRun(false, 3_900);
    const text = renderSizeReport([small, large], { source: 'kamheap 0.1.0, git abc1234', stopFlag: false });
    expect(text).toContain('kamheap walk has NO --stop');
    expect(text).toContain('target: bulk >= 20x faster end to end than the seed loop at shm 64 MB: 30.9x ... PASS');
    expect(text).toContain('target: stopped pause < 200 ms at >= 100,000 fragments, shm 64 MB: worst of 3 150.0 ms ... PASS');
    expect(text).toContain('issue 10 target at shm 2 GB: kamheap RSS <= 300 MB with and without --fragments: 2640 MB (bulk stopped), FAILED (--fragments) ... MISS');
    expect(text).toContain('issue 10 target at shm 2 GB: wall <= 3x one read of the same bytes: 11.00 s (bulk stopped) vs 450 ms (live read) = 24.4x ... MISS');
    expect(text).toContain('--fragments: FAILED, exit 1: kamheap: internal error: Invalid string length');
  });
});

describe('sizeLabel', () => {
  it.each([
    ['shm', 64, 'shm 64 MB'],
    ['shm', 2048, 'shm 2 GB'],
    ['shm', 1536, 'shm 1536 MB'],
    ['pkg', 256, 'pkg 256 MB'],
  ] as const)('%s %i MB is "%s"', (heap, sizeMb, label) => {
    expect(sizeLabel({ heap, sizeMb })).toBe(label);
  });
});
