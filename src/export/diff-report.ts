// Renders a snapshot diff as the table an operator reads after two walks: what moved, largest growth first.
import type { SiteDiff, SnapshotDiff } from '../snapshot/diff.js';
import { printable } from './printable.js';

/** The plain-text diff; `top` limits the site lines, `all` includes unchanged sites. */
export function renderDiffReport(diff: SnapshotDiff, top: number, all: boolean): string {
  const { before, after, heap, used, counts } = diff;
  const lines: string[] = [];
  const pids = before.pid === after.pid ? `PID ${before.pid}` : `PID ${before.pid} -> PID ${after.pid}`;
  lines.push(`${after.kind} heap, ${pids}: ${printable(before.createdAt)} -> ${printable(after.createdAt)} (${duration(diff.elapsedSeconds)})`);
  if (heap.freeDelta === null) {
    lines.push(`  free ${known(heap.freeBefore)} -> ${known(heap.freeAfter)} B: heap totals unknown (a snapshot parsed from *_sums lines has none)`);
  } else {
    lines.push(`  free ${heap.freeBefore} -> ${heap.freeAfter} B (${signed(heap.freeDelta)} B); used ${signedOrUnknown(heap.usedDelta)} B; real used ${signedOrUnknown(heap.realUsedDelta)} B`);
  }
  const fromLog = before.walker === 'log' || after.walker === 'log';
  lines.push(`  ${fromLog ? 'listed' : 'walked'} sites: ${signed(used.countDelta)} fragments, ${signed(used.bytesDelta)} B`);
  lines.push(`  sites: ${counts.grew} grew, ${counts.shrank} shrank, ${counts.new} new, ${counts.vanished} vanished, ${counts.unchanged} unchanged`);
  if (!before.complete || !after.complete) lines.push('  note: at least one snapshot is an incomplete walk');
  const shown = diff.sites.filter((s) => all || s.status !== 'unchanged').slice(0, top);
  lines.push('');
  lines.push(`${'Δbytes'.padStart(11)} ${'Δcount'.padStart(8)} ${'bytes'.padStart(11)} ${'count'.padStart(7)}  ${'status'.padEnd(9)} ${'module'.padEnd(10)} file: function(line)`);
  for (const site of shown) lines.push(siteLine(site));
  if (diff.processes) lines.push(...processLines(diff, top));
  return `${lines.join('\n')}\n`;
}

/** `walk --all` snapshots: one line per process, then the pkg sum's moving sites. */
function processLines(diff: SnapshotDiff, top: number): string[] {
  const lines = ['', `pkg heaps of ${diff.processes?.length ?? 0} processes in both snapshots, most growth first:`];
  for (const p of diff.processes ?? []) {
    const first = p.sites.find((s) => s.status !== 'unchanged');
    const site = first ? `; ${signed(first.bytesDelta)} B ${printable(first.file)}: ${printable(first.function)}(${first.line})` : '';
    lines.push(`  ${String(p.pid).padStart(8)} ${signed(p.used.bytesDelta).padStart(10)} B ${signed(p.used.countDelta).padStart(7)} frags  ${printable(p.role)}${site}`);
  }
  const aggregate = diff.pkgAggregate;
  if (aggregate) {
    lines.push('', `all pkg heaps: ${signed(aggregate.used.bytesDelta)} B, ${signed(aggregate.used.countDelta)} fragments`);
    for (const s of aggregate.sites.filter((x) => x.status !== 'unchanged').slice(0, top)) lines.push(siteLine(s));
  }
  return lines;
}

function siteLine(s: SiteDiff): string {
  return (
    `${signed(s.bytesDelta).padStart(11)} ${signed(s.countDelta).padStart(8)} ${String(s.bytesAfter).padStart(11)} ${String(s.countAfter).padStart(7)}  ` +
    `${s.status.padEnd(9)} ${printable(s.module).padEnd(10)} ${s.sizeClass ? `(no debug fields) size ${printable(s.sizeClass)}` : `${printable(s.file)}: ${printable(s.function)}(${s.line})`}`
  );
}

// A total, or "?" where the snapshot does not know it.
function known(n: number | null): string {
  return n === null ? '?' : String(n);
}

// A signed change, or "?" where a snapshot does not know the value.
function signedOrUnknown(n: number | null): string {
  return n === null ? '?' : signed(n);
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(Math.abs(seconds));
  const text = s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
  return seconds < 0 ? `-${text}` : text;
}
