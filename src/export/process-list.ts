// Renders `kamheap ps` as a table: one line per process, pkg usage beside the role Kamailio recorded.
import type { ProcessList } from '../locate/instance-processes.js';
import { pidLabel } from './pid-label.js';
import { printable } from './printable.js';

/** The process table as text. */
export function renderProcessList(list: ProcessList): string {
  const namespaced = list.processes.some((p) => p.nsPid !== undefined);
  const ns = namespaced ? ', in a PID namespace of its own (its PIDs there in parentheses)' : '';
  const pidWidth = Math.max(8, ...list.processes.map((p) => pidLabel(p).length));
  const lines = [`Kamailio instance of PID ${list.pid}: ${list.processes.length} processes${ns}`];
  lines.push(`${'idx'.padStart(4)} ${'pid'.padStart(pidWidth)} ${'pkg used'.padStart(10)} ${'pkg free'.padStart(10)} ${'size'.padStart(10)}  role`);
  for (const p of list.processes) {
    const pkg = p.pkg;
    const numbers = pkg
      ? `${String(pkg.realUsed).padStart(10)} ${String(pkg.free).padStart(10)} ${String(pkg.size).padStart(10)}`
      : `${'?'.padStart(10)} ${'?'.padStart(10)} ${'?'.padStart(10)}`;
    lines.push(`${String(p.index).padStart(4)} ${pidLabel(p).padStart(pidWidth)} ${numbers}  ${printable(p.role)}${pkg ? '' : `  (${printable(p.pkgError ?? 'unreadable')})`}`);
  }
  return `${lines.join('\n')}\n`;
}
