// Reads a process's own pkg dump as f_malloc and TLSF print it (fm_status/tlsf_status header lines,
// then fm_sums/tlsf_sums lines); the testbed's parser reads the sums, the totals are read here.
import { collectDumpBlocks, type SumsEntry } from '../../testbed/dump-blocks.js';

/** Kamailio's status header lines and sums lines for one heap. */
export interface KamailioDump {
  size: number;
  used: number;
  realUsed: number;
  maxRealUsed: number;
  free: number;
  /** f_malloc: "TOTAL: N free fragments = B free bytes"; TLSF: "fragments=N" (bytes not printed). */
  freeFragments: number;
  freeBytes: number | undefined;
  sums: SumsEntry[];
}

/** Parses the log lines of one process's dump, from its "Memory status" line to the sums' end. */
export function parseKamailioDump(text: string): KamailioDump {
  const number = (pattern: RegExp): number => {
    const m = pattern.exec(text);
    if (!m?.[1]) throw new Error(`the dump has no ${pattern.source}`);
    return Number(m[1]);
  };
  const sums = collectDumpBlocks(text.split('\n')).find((b) => b.kind === 'sums');
  if (sums?.kind !== 'sums') throw new Error('the dump has no sums block');
  const total = /TOTAL: +(\d+) free fragments = (\d+) free bytes/.exec(text);
  return {
    size: number(/heap size= (\d+)/),
    used: number(/ used= (\d+),/),
    realUsed: number(/used\+overhead=(\d+)/),
    maxRealUsed: number(/max used \(\+overhead\)= ?(\d+)/),
    free: number(/, free=(\d+)/),
    freeFragments: total ? Number(total[1]) : number(/, fragments=(\d+)/),
    freeBytes: total ? Number(total[2]) : undefined,
    sums: sums.entries,
  };
}

/** Per-site "count=N bytes=B" keyed by `file: function(line)`, from sums lines or from sites. */
export function siteTotals(entries: ReadonlyArray<{ file: string; func: string; line: number; count: number; bytes: bigint | number }>): Map<string, string> {
  const totals = new Map<string, { count: number; bytes: bigint }>();
  for (const e of entries) {
    const key = `${e.file}: ${e.func}(${e.line})`;
    const t = totals.get(key) ?? { count: 0, bytes: 0n };
    t.count += e.count;
    t.bytes += BigInt(e.bytes);
    totals.set(key, t);
  }
  return new Map([...totals].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, `count=${v.count} bytes=${v.bytes}`]));
}
