// Renders `kamheap ps` as a table: one line per process, pkg usage beside the role Kamailio recorded.
import type { ProcessList } from '../locate/instance-processes.js';
import { printable } from './printable.js';

/** The process table as text. */
export function renderProcessList(list: ProcessList): string {
  const lines = [`Kamailio instance of PID ${list.pid}: ${list.processes.length} processes`];
  lines.push(`${'idx'.padStart(4)} ${'pid'.padStart(8)} ${'pkg used'.padStart(10)} ${'pkg free'.padStart(10)} ${'size'.padStart(10)}  role`);
  for (const p of list.processes) {
    const pkg = p.pkg;
    const numbers = pkg
      ? `${String(pkg.realUsed).padStart(10)} ${String(pkg.free).padStart(10)} ${String(pkg.size).padStart(10)}`
      : `${'?'.padStart(10)} ${'?'.padStart(10)} ${'?'.padStart(10)}`;
    lines.push(`${String(p.index).padStart(4)} ${String(p.pid).padStart(8)} ${numbers}  ${printable(p.role)}${pkg ? '' : `  (${printable(p.pkgError ?? 'unreadable')})`}`);
  }
  return `${lines.join('\n')}\n`;
}
