import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DumpBlockCollector, collectDumpBlocks, type StatusBlock } from '../../src/kamailio-log/dump-blocks.js';
import { groupDumps } from '../../src/kamailio-log/log-dumps.js';

const iso = readFileSync(new URL('../fixtures/kamailio-log/rsyslog-iso.txt', import.meta.url), 'utf8').split('\n');
// The TLSF instance's shm status dump and its corex.shm_summary, as rsyslog stored them.
const tlsfShm = iso.filter((l) => l.includes('kamailio[10667]'));

describe('DumpBlockCollector', () => {
  it('ends a TLSF status dump, which has no end line, when its process starts the summary', () => {
    const collector = new DumpBlockCollector();
    const handed = tlsfShm.map((line) => collector.push(line).map((b) => b.kind));
    const start = tlsfShm.findIndex((l) => l.includes('summarizing'));
    const end = tlsfShm.findIndex((l) => l.includes('tlsf_sums(): -----'));
    expect(handed[start]).toEqual(['status']);
    expect(handed[end]).toEqual(['sums']);
    expect(handed.filter((h) => h.length > 0)).toHaveLength(2);
    expect(collector.finish()).toEqual([]);
  });

  it('hands out a TLSF status dump at the end of the input when nothing follows it', () => {
    const statusOnly = tlsfShm.filter((l) => !l.includes('tlsf_sums') && !l.includes('cfg_set_now'));
    const [status, ...rest] = collectDumpBlocks(statusOnly);
    expect(rest).toEqual([]);
    expect(status).toMatchObject({ kind: 'status', allocator: 'tlsf_malloc', ended: false, totalsLines: 3, block: 0x7f5542576000n });
    expect(status?.origin).toMatchObject({ firstLine: 1, lastLine: statusOnly.length, format: 'syslog-iso', host: 'vm' });
  });

  it('hands out a q_malloc dump cut off by the end of the file, unended', () => {
    const cut = iso.slice(0, 20);
    const [status] = collectDumpBlocks(cut) as StatusBlock[];
    expect(status).toMatchObject({ kind: 'status', ended: false, listed: true });
    expect(groupDumps(collectDumpBlocks(cut), new Date())).toHaveLength(1);
  });

  it('keeps the same PID on two hosts apart', () => {
    const line = (host: string, text: string): string => `2026-11-25T00:48:16.035946+00:00 ${host} kamailio[10667]: ALERT: ${text}`;
    const lines = [
      line('a', 'tlsf_status: tlsf_status(): status of pool (0x7f5542576000):'),
      line('b', "tlsf_sums: tlsf_sums(): pool (0x7f5542576000) summarizing all alloc'ed. fragments:"),
      line('a', 'tlsf_status: tlsf_status(): heap size= 67108784'),
      line('b', 'tlsf_sums: tlsf_sums(): -----------------------------'),
    ];
    expect(collectDumpBlocks(lines).map((b) => `${b.origin.host} ${b.kind} ${b.origin.firstLine}-${b.origin.lastLine}`)).toEqual(['b sums 2-4', 'a status 1-3']);
  });
});
