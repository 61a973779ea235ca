// Renders `kamheap ps` as a table: one line per process with the columns `kamcmd pkg.stats` prints
// (entry, pid, rank, used, free, real_used, total_size, desc), then one line for the instance's
// shm heap with the fields of `kamcmd core.shmmem`.
import type { PkgTotals, ProcessList } from '../locate/instance-processes.js';
import { pidLabel } from './pid-label.js';
import { printable } from './printable.js';
import { sizeText, type SizeStyle } from './size-text.js';

/** Width of each size column: "real_used" and raw counts of a few GB fit. */
const sizeWidth = 10;

/** The process table as text; sizes human unless `style` is raw (--bytes). */
export function renderProcessList(list: ProcessList, style: SizeStyle = 'human'): string {
  const namespaced = list.processes.some((p) => p.nsPid !== undefined);
  const ns = namespaced ? ', in a PID namespace of its own (its PIDs there in parentheses)' : '';
  const pidWidth = Math.max(7, ...list.processes.map((p) => pidLabel(p).length));
  const size = (bytes: number, width = sizeWidth): string => sizeText(bytes, style).padStart(width);
  const lines = [`Kamailio instance of PID ${list.pid}: ${list.processes.length} processes${ns}`];
  const names = ['used', 'free', 'real_used'].map((n) => n.padStart(sizeWidth)).join(' ');
  lines.push(`${'entry'} ${'pid'.padStart(pidWidth)} ${'rank'.padStart(4)} ${names} ${'total_size'.padStart(sizeWidth)}  desc`);
  for (const p of list.processes) {
    const pkg = p.pkg;
    const numbers = pkg ? `${size(pkg.used)} ${size(pkg.free)} ${size(pkg.realUsed)} ${size(pkg.size)}` : Array(4).fill('?'.padStart(sizeWidth)).join(' ');
    const rank = p.rank === null ? '-' : String(p.rank);
    lines.push(`${String(p.index).padStart(5)} ${pidLabel(p).padStart(pidWidth)} ${rank.padStart(4)} ${numbers}  ${printable(p.role)}${pkg ? '' : `  (${printable(p.pkgError ?? 'unreadable')})`}`);
  }
  if (list.shm !== undefined) lines.push(shmLine(list.shm, list.shmError, style));
  return `${lines.join('\n')}\n`;
}

/** "shm: total 64.0 MiB  free ...": the instance's shared heap as `kamcmd core.shmmem` names its fields. */
function shmLine(shm: PkgTotals | null, error: string | undefined, style: SizeStyle): string {
  if (shm === null) return `shm: ? (${printable(error ?? 'unreadable')})`;
  const fields: Array<[string, number]> = [
    ['total', shm.size],
    ['free', shm.free],
    ['used', shm.used],
    ['real_used', shm.realUsed],
    ['max_used', shm.maxRealUsed],
  ];
  return `shm: ${fields.map(([name, bytes]) => `${name} ${sizeText(bytes, style)}`).join('  ')}`;
}
