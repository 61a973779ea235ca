// The per-process part of `walk --all` as text: one line per process, then the pkg sum's top sites.
import type { PkgAggregate, ProcessSection } from '../snapshot/snapshot.js';
import { pidLabel } from './pid-label.js';
import { printable } from './printable.js';

/** Process lines and the aggregate's top sites. */
export function renderInstanceReport(processes: readonly ProcessSection[], aggregate: PkgAggregate, top: number): string {
  const namespaced = processes.some((p) => p.nsPid !== undefined);
  const pidWidth = Math.max(8, ...processes.map((p) => pidLabel(p).length));
  const lines = ['', `pkg heaps of ${processes.length} processes${namespaced ? ', in a PID namespace of their own (their PIDs there in parentheses)' : ''}:`];
  lines.push(`${'idx'.padStart(4)} ${'pid'.padStart(pidWidth)} ${'real used'.padStart(10)} ${'free'.padStart(10)} ${'used frags'.padStart(10)}  role / top site`);
  for (const p of processes) {
    if (!p.heap || !p.totals) {
      lines.push(`${String(p.index).padStart(4)} ${pidLabel(p).padStart(pidWidth)} ${'?'.padStart(10)} ${'?'.padStart(10)} ${'?'.padStart(10)}  ${printable(p.role)}  (${printable(p.error ?? 'not walked')})`);
      continue;
    }
    const biggest = p.sites?.[0];
    const site = biggest ? `; top: ${biggest.bytes} B ${printable(biggest.file)}: ${printable(biggest.function)}(${biggest.line})` : '';
    lines.push(
      `${String(p.index).padStart(4)} ${pidLabel(p).padStart(pidWidth)} ${String(p.heap.realUsed ?? '?').padStart(10)} ${String(p.heap.free ?? '?').padStart(10)} ${String(p.totals.used.count).padStart(10)}  ${printable(p.role)}${site}`,
    );
  }
  lines.push('', `all ${aggregate.processes} pkg heaps: real used ${aggregate.realUsed} B of ${aggregate.size} B; top ${Math.min(top, aggregate.sites.length)} sites:`);
  lines.push(`${'count'.padStart(8)} ${'bytes'.padStart(12)}  ${'module'.padEnd(12)} file: function(line)`);
  for (const s of aggregate.sites.slice(0, top)) {
    lines.push(`${String(s.count).padStart(8)} ${String(s.bytes).padStart(12)}  ${printable(s.module).padEnd(12)} ${printable(s.file)}: ${printable(s.function)}(${s.line})`);
  }
  return `${lines.join('\n')}\n`;
}
