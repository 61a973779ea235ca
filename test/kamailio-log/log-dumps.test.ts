import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectDumpBlocks } from '../../src/kamailio-log/dump-blocks.js';
import { groupDumps, PAIR_WINDOW_MS } from '../../src/kamailio-log/log-dumps.js';

const iso = readFileSync(new URL('../fixtures/kamailio-log/rsyslog-iso.txt', import.meta.url), 'utf8').split('\n');
// The first mem_dump_shm of the q_malloc instance (ctl process 10464) and its corex.shm_summary.
const status = iso.slice(1, 34);
const sums = iso.slice(35, 99);

/** How the blocks group: "parts" per dump. */
function grouping(lines: string[]): string[] {
  return groupDumps(collectDumpBlocks(lines), new Date(2026, 10, 26)).map((d) => `${d.pid} ${d.kind} ${d.status ? 'status' : ''}${d.status && d.sums ? '+' : ''}${d.sums ? 'sums' : ''}`);
}

describe('groupDumps', () => {
  it('joins a shm status dump and the summary its process logs 1.5 s later', () => {
    expect(status[0]).toContain('Memory status (shm)');
    expect(sums.at(-1)).toContain('qm_sums(): -----');
    expect(grouping([...status, ...sums])).toEqual(['10464 shm status+sums']);
  });

  it(`keeps them apart when the summary comes more than ${PAIR_WINDOW_MS / 1000} s later (stamps moved by hand)`, () => {
    const late = sums.map((l) => l.replace('T00:48:01.', 'T00:49:05.'));
    expect(grouping([...status, ...late])).toEqual(['10464 shm status', '10464 shm sums']);
  });

  it('keeps them apart when another dump of the same process comes between', () => {
    expect(grouping([...status, ...status, ...sums])).toEqual(['10464 shm status', '10464 shm status+sums']);
  });

  it("does not join a pkg status dump with a summary that has no header (corex.shm_summary's)", () => {
    const pkgStatus = iso.slice(100, 130).filter((l) => l.includes('[10462]'));
    const shmSums = sums.map((l) => l.replace('[10464]', '[10462]').replace('T00:48:01.', 'T00:48:03.'));
    expect(grouping([...pkgStatus, ...shmSums])).toEqual(['10462 pkg status', '10462 shm sums']);
  });

  it("pairs by order alone in Kamailio's stderr log, which has no stamps", () => {
    const stderr = ['kamailio/shm-status.txt', 'kamailio/shm-summary.txt'].flatMap((f) => readFileSync(new URL(`../fixtures/${f}`, import.meta.url), 'utf8').split('\n'));
    expect(grouping(stderr)).toEqual(['3669 shm status+sums']);
  });
});
