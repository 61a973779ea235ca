// Renders what `parse-log` found: one table line per dump, then each dump's heading (its heap
// totals) and its allocation sites as the view asks.
import { snapshotSiteView } from '../snapshot/site-view.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { printable } from './printable.js';
import { siteTableLines, type TextView } from './site-table.js';
import { sizeText } from './size-text.js';
import { heapTotalsLines } from './text-report.js';
import { wrapWords } from './text-fit.js';
import { tableLines } from './text-table.js';

/** The dumps of one input as text; `view.top` limits the site lines per dump. */
export function renderLogDumpReport(file: string, lines: number, snapshots: readonly AnySnapshot[], view: TextView): string {
  const out: string[] = [];
  const pids = new Set(snapshots.map((s) => s.target.pid));
  const formats = [...new Set(snapshots.map((s) => s.log?.format ?? '?'))].join(', ');
  // The file name as given, on one line however long: it is what a reader searches for.
  out.push(`${printable(file)}: ${plural(snapshots.length, 'dump')} by ${plural(pids.size, 'process', 'processes')} in ${lines} lines (${formats})`);
  const columns = [
    { head: '#', cells: snapshots.map((_, i) => String(i + 1)) },
    { head: 'pid', cells: snapshots.map((s) => String(s.target.pid)) },
    { head: 'heap', cells: snapshots.map((s) => s.heap.kind), align: 'left' as const },
    { head: 'time', cells: snapshots.map(time), align: 'left' as const },
    { head: 'frags', cells: snapshots.map((s) => String(s.walk.fragmentsWalked)) },
    { head: 'sites', cells: snapshots.map((s) => String(s.sites.length)) },
    { head: 'site bytes', cells: snapshots.map((s) => sizeText(s.totals.used.bytes, view.sizes)) },
  ];
  out.push(...tableLines(columns, { head: 'note', cells: snapshots.map(note), colour: view.paint.red }, view.width, view.paint, '', 10));
  const guessed = snapshots.some((s) => s.log?.timeFrom === 'log-without-year');
  const untimed = snapshots.some((s) => s.log?.timeFrom === 'file' || s.log?.timeFrom === 'read');
  if (guessed) out.push("  ~ the lines' stamps have no year: it is the file's (its mtime's), local time");
  if (untimed) out.push(`  * the lines carry no time: ${file === '-' ? 'when stdin was read' : "the file's mtime"}`);
  snapshots.forEach((s, i) => {
    out.push('');
    out.push(...dumpLines(i + 1, s, view));
  });
  return `${out.join('\n')}\n`;
}

// The dump's heading and totals, its findings, and its top sites.
function dumpLines(n: number, s: AnySnapshot, view: TextView): string[] {
  const { heap, log } = s;
  const where = log ? `, lines ${log.firstLine}-${log.lastLine}` : '';
  const out = [view.paint.bold(`#${n} ${heap.kind} of PID ${s.target.pid} (${heap.allocator}, ${log?.parts ?? '?'}${where}):`)];
  out.push(...(heap.size === null ? ['  no heap totals (a *_sums block alone has none)'] : heapTotalsLines(heap, view.sizes, view.width)));
  for (const f of s.findings) out.push(...wrapWords(`${f.kind}: ${printable(f.message)}`, view.width));
  if (s.sites.length === 0) {
    out.push('  no allocation sites in this dump');
    return out;
  }
  if (view.top === 0) return out;
  out.push(`  sites from the ${log?.sitesFrom === 'sums' ? '*_sums lines' : 'fragments'}:`, ...siteTableLines(snapshotSiteView(s, view.query), view, '  '));
  return out;
}

// createdAt, marked when its year was guessed or it is the file's time rather than the line's.
function time(s: AnySnapshot): string {
  const from = s.log?.timeFrom;
  return `${printable(s.createdAt)}${from === 'log-without-year' ? '~' : from === 'file' || from === 'read' ? '*' : ''}`;
}

// What is wrong with the dump, if anything, in a word (the findings under the dump's heading say more).
function note(s: AnySnapshot): string {
  if (s.findings.some((f) => f.kind === 'check-pattern')) return 'CORRUPT';
  if (s.findings.length > 0) return 'INCOMPLETE';
  return '';
}

// "1 dump", "2 dumps".
function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}
