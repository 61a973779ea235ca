// The per-process part of `walk --all` as text: one line per process (its pkg totals and its top
// row of the view), then the view of all pkg heaps summed.
import { siteView, type ViewQuery } from '../snapshot/site-view.js';
import type { PkgAggregate, ProcessSection } from '../snapshot/snapshot.js';
import { pidLabel } from './pid-label.js';
import { printable } from './printable.js';
import { siteTableLines, type TextView } from './site-table.js';
import { sizeText } from './size-text.js';
import { tableLines } from './text-table.js';

/** Process lines and the aggregate's view. */
export function renderInstanceReport(processes: readonly ProcessSection[], aggregate: PkgAggregate, view: TextView): string {
  const namespaced = processes.some((p) => p.nsPid !== undefined);
  const size = (n: number | null | undefined): string => (n === null || n === undefined ? '?' : sizeText(n, view.sizes));
  const lines = ['', `pkg heaps of ${processes.length} processes${namespaced ? ' (own PID namespace: its PIDs in parentheses)' : ''}:`];
  const columns = [
    { head: 'idx', cells: processes.map((p) => String(p.index)) },
    { head: 'pid', cells: processes.map(pidLabel) },
    { head: 'real used', cells: processes.map((p) => size(p.heap?.realUsed)) },
    { head: 'free', cells: processes.map((p) => size(p.heap?.free)) },
    { head: 'frags', cells: processes.map((p) => (p.totals ? String(p.totals.used.count) : '?')) },
  ];
  const topRow = view.query.by === 'site' ? 'top site' : `top ${view.query.by}`;
  lines.push(...tableLines(columns, { head: `role; ${topRow}`, cells: processes.map((p) => roleText(p, view)) }, view.width, view.paint));
  const fragmentOverhead = processes.find((p) => p.heap?.fragmentOverhead !== undefined)?.heap?.fragmentOverhead ?? null;
  lines.push('', `all ${aggregate.processes} pkg heaps: real used ${size(aggregate.realUsed)} of ${size(aggregate.size)}`);
  lines.push(...siteTableLines(siteView(aggregate.sites, aggregate.used.bytes, fragmentOverhead, view.query), view));
  return `${lines.join('\n')}\n`;
}

// The process's role and its top row, or why it was not walked.
function roleText(p: ProcessSection, view: TextView): string {
  if (!p.heap || !p.totals) return `${printable(p.role)} (${printable(p.error ?? 'not walked')})`;
  const top = siteView(p.sites ?? [], p.totals.used.bytes, null, topQuery(view.query)).rows[0];
  return top ? `${printable(p.role)}; ${sizeText(top.bytes, view.sizes)} ${printable(top.name)}` : printable(p.role);
}

// The query of the top row: the view's, sorted by bytes.
function topQuery(query: ViewQuery): ViewQuery {
  return { ...query, sort: 'bytes' };
}
