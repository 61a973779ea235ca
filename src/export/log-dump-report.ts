// Renders what `parse-log` found: one table line per dump, then each dump's top allocation sites in
// the shape of Kamailio's own *_sums lines.
import type { SiteRecord } from '../heap/heap-nouns.js';
import type { AnySnapshot } from '../snapshot/snapshot.js';
import { printable } from './printable.js';

/** The dumps of one input as text; `top` limits the site lines per dump. */
export function renderLogDumpReport(file: string, lines: number, snapshots: readonly AnySnapshot[], top: number): string {
  const out: string[] = [];
  const pids = new Set(snapshots.map((s) => s.target.pid));
  const formats = [...new Set(snapshots.map((s) => s.log?.format ?? '?'))].join(', ');
  out.push(`${printable(file)}: ${plural(snapshots.length, 'dump')} by ${plural(pids.size, 'process', 'processes')} in ${lines} lines (${formats})`);
  out.push(`${'#'.padStart(3)} ${'pid'.padStart(8)}  heap  ${'allocator'.padEnd(11)} ${'parts'.padEnd(11)} ${'time'.padEnd(24)} ${'frags'.padStart(6)} ${'sites'.padStart(5)} ${'heap used'.padStart(11)} ${'heap free'.padStart(11)} ${'site bytes'.padStart(11)}  note`);
  snapshots.forEach((s, i) => out.push(tableLine(i + 1, s)));
  const guessed = snapshots.some((s) => s.log?.timeFrom === 'log-without-year');
  const untimed = snapshots.some((s) => s.log?.timeFrom === 'file' || s.log?.timeFrom === 'read');
  if (guessed) out.push("  ~ the lines' stamps have no year: it is the file's (its mtime's), local time");
  if (untimed) out.push(`  * the lines carry no time: ${file === '-' ? 'when stdin was read' : "the file's mtime"}`);
  snapshots.forEach((s, i) => {
    out.push('');
    out.push(...siteLines(i + 1, s, top));
  });
  return `${out.join('\n')}\n`;
}

// One dump as a table line.
function tableLine(n: number, s: AnySnapshot): string {
  const { heap, log } = s;
  return (
    `${String(n).padStart(3)} ${String(s.target.pid).padStart(8)}  ${heap.kind.padEnd(4)}  ${heap.allocator.padEnd(11)} ${(log?.parts ?? '').padEnd(11)} ${time(s).padEnd(24)} ` +
    `${String(s.walk.fragmentsWalked).padStart(6)} ${String(s.sites.length).padStart(5)} ${known(heap.used).padStart(11)} ${known(heap.free).padStart(11)} ${String(s.totals.used.bytes).padStart(11)}  ${note(s)}`
  ).trimEnd();
}

// The dump's heading, its findings, and its top sites.
function siteLines(n: number, s: AnySnapshot, top: number): string[] {
  const { heap, log } = s;
  const where = log ? `, lines ${log.firstLine}-${log.lastLine}` : '';
  const totals = heap.size === null
    ? 'no heap totals (a *_sums block alone has none)'
    : `size ${heap.size}  used ${known(heap.used)}  real used ${known(heap.realUsed)}  max real used ${known(heap.maxRealUsed)}  free ${known(heap.free)}`;
  const out = [`#${n} ${heap.kind} of PID ${s.target.pid} (${heap.allocator}, ${log?.parts ?? '?'}${where}): ${totals}`];
  for (const f of s.findings) out.push(`  ${f.kind}: ${printable(f.message)}`);
  const shown = s.sites.slice(0, top);
  if (s.sites.length === 0) {
    out.push('  no allocation sites in this dump');
    return out;
  }
  if (top === 0) return out;
  out.push(`  top ${shown.length} of ${s.sites.length} sites by bytes (from the ${log?.sitesFrom === 'sums' ? '*_sums lines' : 'fragments'}):`);
  out.push(`  ${'count'.padStart(8)} ${'bytes'.padStart(12)}  ${'module'.padEnd(12)} file: function(line)`);
  for (const site of shown) out.push(`  ${siteLine(site)}`);
  return out;
}

// One site, as `count bytes module file: function(line)`.
function siteLine(site: SiteRecord): string {
  return `${String(site.count).padStart(8)} ${String(site.bytes).padStart(12)}  ${printable(site.module).padEnd(12)} ${printable(site.file)}: ${printable(site.function)}(${site.line})`;
}

// createdAt, marked when its year was guessed or it is the file's time rather than the line's.
function time(s: AnySnapshot): string {
  const from = s.log?.timeFrom;
  return `${printable(s.createdAt)}${from === 'log-without-year' ? '~' : from === 'file' || from === 'read' ? '*' : ''}`;
}

// What is wrong with the dump, if anything, in a few words.
function note(s: AnySnapshot): string {
  if (s.findings.some((f) => f.kind === 'check-pattern')) return 'CORRUPT (Kamailio reports overwritten check words)';
  if (s.findings.length > 0) return 'INCOMPLETE (lines missing)';
  return '';
}

// A total, or "?" where the dump does not give it.
function known(n: number | null): string {
  return n === null ? '?' : String(n);
}

// "1 dump", "2 dumps".
function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}
