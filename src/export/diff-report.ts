// Renders a snapshot diff as the table an operator reads after two walks: what moved, largest
// growth first, each row named by its site string (or group, with --by).
import type { SiteDiff, SnapshotDiff } from '../snapshot/diff.js';
import { diffView, type DiffRow } from '../snapshot/site-view.js';
import { printable } from './printable.js';
import { filterText, groupCount, type TextView } from './site-table.js';
import { signedCountText, signedSizeText, sizeText } from './size-text.js';
import { wrapParts } from './text-fit.js';
import { tableLines } from './text-table.js';

/** The plain-text diff; `all` includes unchanged rows. */
export function renderDiffReport(diff: SnapshotDiff, view: TextView, all: boolean): string {
  const { before, after, heap, used, counts } = diff;
  const size = (n: number | null): string => (n === null ? '?' : sizeText(n, view.sizes));
  const change = (n: number | null): string => (n === null ? '?' : signedSizeText(n, view.sizes));
  const lines: string[] = [];
  const pids = before.pid === after.pid ? `PID ${before.pid}` : `PID ${before.pid} -> PID ${after.pid}`;
  lines.push(...wrapParts([`${after.kind} heap, ${pids}:`, `${printable(before.createdAt)} ->`, `${printable(after.createdAt)} (${duration(diff.elapsedSeconds)})`], view.width, '', ' ').map(view.paint.bold));
  if (heap.freeDelta === null) {
    lines.push(`  free ${size(heap.freeBefore)} -> ${size(heap.freeAfter)}: heap totals unknown (a snapshot parsed from *_sums lines has none)`);
  } else {
    lines.push(...wrapParts([`free ${size(heap.freeBefore)} -> ${size(heap.freeAfter)} (${change(heap.freeDelta)});`, `used ${change(heap.usedDelta)};`, `real used ${change(heap.realUsedDelta)}`], view.width, '  ', ' '));
  }
  const fromLog = before.walker === 'log' || after.walker === 'log';
  lines.push(`  ${fromLog ? 'listed' : 'walked'} sites: ${signedCountText(used.countDelta)} fragments, ${change(used.bytesDelta)}`);
  lines.push(`  sites: ${counts.grew} grew, ${counts.shrank} shrank, ${counts.new} new, ${counts.vanished} vanished, ${counts.unchanged} unchanged`);
  if (!before.complete || !after.complete) lines.push('  note: at least one snapshot is an incomplete walk');
  lines.push('', ...diffTableLines(diff.sites, view, all));
  if (diff.processes) lines.push(...processLines(diff, view, all));
  return `${lines.join('\n')}\n`;
}

/** `walk --all` snapshots: one line per process (its top moving row), then the pkg sum's rows. */
function processLines(diff: SnapshotDiff, view: TextView, all: boolean): string[] {
  const processes = diff.processes ?? [];
  const lines = ['', `pkg heaps of ${processes.length} processes in both snapshots, most growth first:`];
  const columns = [
    { head: 'pid', cells: processes.map((p) => String(p.pid)) },
    { head: 'Δbytes', cells: processes.map((p) => signedSizeText(p.used.bytesDelta, view.sizes)), colour: growthColour(processes.map((p) => p.used.bytesDelta), view) },
    { head: 'Δfrags', cells: processes.map((p) => signedCountText(p.used.countDelta)) },
  ];
  const topRow = (sites: readonly SiteDiff[]): string => {
    const first = diffView(sites, view.query).find((r) => r.status !== 'unchanged');
    return first ? `; ${signedSizeText(first.bytesDelta, view.sizes)} ${printable(first.name)}` : '';
  };
  lines.push(...tableLines(columns, { head: 'role; top change', cells: processes.map((p) => `${printable(p.role)}${topRow(p.sites)}`) }, view.width, view.paint));
  const aggregate = diff.pkgAggregate;
  if (aggregate) {
    lines.push('', `all pkg heaps: ${signedSizeText(aggregate.used.bytesDelta, view.sizes)}, ${signedCountText(aggregate.used.countDelta)} fragments`);
    lines.push(...diffTableLines(aggregate.sites, view, all));
  }
  return lines;
}

/** The heading and the top rows of a list of site changes. */
function diffTableLines(sites: readonly SiteDiff[], view: TextView, all: boolean): string[] {
  const rows = diffView(sites, view.query).filter((r) => all || r.status !== 'unchanged');
  const shown = rows.slice(0, view.top);
  const changed = all ? '' : ' changed';
  const lines = [`top ${shown.length} of ${groupCount(rows.length, view.query.by)}${changed} by ${view.query.sort}${filterText(view.query)}:`];
  if (shown.length === 0) return lines;
  const columns = [
    { head: 'Δbytes', cells: shown.map((r) => signedSizeText(r.bytesDelta, view.sizes)), colour: growthColour(shown.map((r) => r.bytesDelta), view) },
    { head: 'Δcount', cells: shown.map((r) => signedCountText(r.countDelta)) },
    { head: 'bytes', cells: shown.map((r) => sizeText(r.bytesAfter, view.sizes)) },
    { head: 'count', cells: shown.map((r) => String(r.countAfter)) },
    { head: 'status', cells: shown.map((r: DiffRow) => r.status), align: 'left' as const },
  ];
  lines.push(...tableLines(columns, { head: view.query.by, cells: shown.map((r) => printable(r.name)), colour: view.paint.cyan }, view.width, view.paint));
  return lines;
}

// Growth in red, shrinkage in green.
function growthColour(deltas: readonly number[], view: TextView): (text: string, row: number) => string {
  return (text, row) => {
    const d = deltas[row] ?? 0;
    return d > 0 ? view.paint.red(text) : d < 0 ? view.paint.green(text) : text;
  };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(Math.abs(seconds));
  const text = s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
  return seconds < 0 ? `-${text}` : text;
}
