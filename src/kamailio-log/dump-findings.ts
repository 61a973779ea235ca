// What is wrong with a dump as the log has it: lines missing (a syslog daemon's rate limit, a file
// cut at a size limit, a grep that missed some) and the overwritten check words qm_status reports.
// The used-bytes rule holds because qm_status lists every used fragment whatever
// mem_status_mode is, and `used=` is the sum of their sizes.
import { hex } from '../util/hex.js';
import type { FindingRecord } from '../snapshot/snapshot.js';
import type { StatusBlock, SumsBlock } from './dump-blocks.js';
import type { LogDump } from './log-dumps.js';

/** The findings of one dump: 'log-incomplete' for missing lines, 'check-pattern' for Kamailio's own reports. */
export function dumpFindings(dump: LogDump): FindingRecord[] {
  return [...(dump.status ? statusFindings(dump.status) : []), ...(dump.sums ? sumsFindings(dump.sums) : [])];
}

// A status dump: its three totals lines, its end line, every used fragment, no gap in the indexes.
function statusFindings(status: StatusBlock): FindingRecord[] {
  const findings: FindingRecord[] = [];
  const missing = (index: number, message: string): void => {
    findings.push({ kind: 'log-incomplete', index, address: '0x0', message });
  };
  const fragments = status.fragments;
  if (status.totalsLines < 3) missing(0, `the status dump lacks ${3 - status.totalsLines} of its 3 heap totals lines`);
  if (status.allocator !== 'tlsf_malloc' && status.listed && !status.ended) {
    missing(fragments.length, 'the status dump has no end line: the log stops, or the process starts another dump, before it');
  }
  const gap = fragments.findIndex((f, i) => i > 0 && f.index <= (fragments[i - 1]?.index ?? 0));
  if (gap > 0) missing(fragments[gap]?.index ?? 0, `fragment ${fragments[gap]?.index} follows fragment ${fragments[gap - 1]?.index}: lines are out of order`);
  if (fragments.some((f) => f.free)) {
    // With free fragments listed (mem_status_mode=1) every index is there.
    const hole = fragments.findIndex((f, i) => f.index !== i);
    if (hole >= 0) missing(hole, `fragment ${hole} is missing (free fragments are listed, so every index should be)`);
  }
  const usedBytes = fragments.reduce((n, f) => (f.free ? n : n + f.size), 0n);
  if (status.allocator === 'q_malloc' && fragments.length > 0 && usedBytes !== status.heap.used) {
    missing(fragments.length, `the used fragments listed sum to ${usedBytes} B, the dump's used= says ${status.heap.used} B: lines are missing`);
  }
  for (const c of status.checks) findings.push({ kind: 'check-pattern', index: c.index, address: hex(c.frag), message: `Kamailio reports: ${c.message}` });
  return findings;
}

// A *_sums block: its end line.
function sumsFindings(sums: SumsBlock): FindingRecord[] {
  if (sums.ended) return [];
  return [{ kind: 'log-incomplete', index: 0, address: '0x0', message: 'the *_sums block has no end line: the log stops, or the process starts another dump, before it' }];
}
