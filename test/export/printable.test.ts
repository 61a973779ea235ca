// Strings from the target's memory, from files and from the user reach the terminal escaped: an
// escape sequence or a newline inside a site name cannot drive the terminal or forge report lines.
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleError } from '../../src/cli/handle-error.js';
import { ExitCode, KamheapError } from '../../src/errors.js';
import { renderDiffReport } from '../../src/export/diff-report.js';
import { renderDoctorReport } from '../../src/export/doctor-report.js';
import { renderInstanceReport } from '../../src/export/instance-report.js';
import { renderLogDumpReport } from '../../src/export/log-dump-report.js';
import { printable, printableLines } from '../../src/export/printable.js';
import { renderProcessList } from '../../src/export/process-list.js';
import { renderTextReport } from '../../src/export/text-report.js';
import { renderTrendReport } from '../../src/export/trend-report.js';
import { analyzeTrend } from '../../src/snapshot/trend.js';
import { diffSnapshots } from '../../src/snapshot/diff.js';
import type { AnySnapshot, Snapshot } from '../../src/snapshot/snapshot.js';
import { kamheap, requireBuilt } from '../helpers/kamheap-cli.js';
import { textView } from '../helpers/text-view.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/snapshots/${name}`, import.meta.url));
// Clear the screen, a forged report line, a window-title change, CSI as one C1 character.
const hostile = 'evil\u001b[2J\nkamheap: all clear\u001b]0;pwned\u0007\u009b31m';
const escaped = 'evil\\x1b[2J\\x0akamheap: all clear\\x1b]0;pwned\\x07\\x9b31m';

/** A real snapshot whose first site, process role and finding carry the hostile string. */
function hostileSnapshot(): Snapshot {
  const s = JSON.parse(readFileSync(fixture('shm-after.json'), 'utf8')) as Snapshot;
  const site = s.sites[0];
  if (!site) throw new Error('fixture without sites');
  Object.assign(site, { module: hostile, file: hostile, function: hostile });
  s.findings = [{ kind: 'walk-error', index: 3, address: '0x0', message: hostile }];
  s.processes = [{ pid: 4242, index: 1, role: hostile, error: hostile }];
  s.pkgAggregate = { processes: 0, size: 0, realUsed: 0, free: 0, used: { count: 1, bytes: 8 }, sites: [{ ...site }] };
  return s;
}

/** No raw control character but the newlines between lines, and the escaped text is there. */
function expectEscaped(text: string): void {
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(text).not.toMatch(/^kamheap: all clear/m);
  expect(text).toContain(escaped);
}

describe('printable', () => {
  it.each<[string, string]>([
    ['plain text: htable: ht_api.c', 'plain text: htable: ht_api.c'],
    ['non-ASCII text stays: é ü 漢 🙂', 'non-ASCII text stays: é ü 漢 🙂'],
    ['a\nb\r\tc', 'a\\x0ab\\x0d\\x09c'],
    ['\u0000\u001f\u007f\u0080\u009f\u00a0', '\\x00\\x1f\\x7f\\x80\\x9f\u00a0'],
    ['a backslash \\x1b stays unambiguous', 'a backslash \\\\x1b stays unambiguous'],
    ['core.c\u202e\u2066cfg.lex\u2069', 'core.c\\u202e\\u2066cfg.lex\\u2069'],
    [hostile, escaped],
  ])('%j', (text, expected) => {
    expect(printable(text)).toBe(expected);
  });

  it('keeps the newlines between lines with printableLines', () => {
    expect(printableLines("error: unknown command 'x\u001b[31m'\n(run kamheap --help for usage)\n")).toBe("error: unknown command 'x\\x1b[31m'\n(run kamheap --help for usage)\n");
  });
});

describe('text renderers', () => {
  it('the walk summary', () => {
    expectEscaped(renderTextReport(hostileSnapshot(), textView(5, {}, { width: 1000 })));
  });

  it('the --all process lines and aggregate', () => {
    const s = hostileSnapshot();
    expectEscaped(renderInstanceReport(s.processes ?? [], s.pkgAggregate ?? { processes: 0, size: 0, realUsed: 0, free: 0, used: { count: 0, bytes: 0 }, sites: [] }, textView(5, {}, { width: 1000 })));
  });

  it('the diff', () => {
    const before = JSON.parse(readFileSync(fixture('shm-before.json'), 'utf8')) as Snapshot;
    const after = hostileSnapshot();
    before.processes = [{ pid: 4242, index: 1, role: 'timer', sites: [], totals: after.totals, heap: after.heap, walk: after.walk, findings: [] }];
    after.processes = [{ pid: 4242, index: 1, role: hostile, sites: after.sites, totals: after.totals, heap: after.heap, walk: after.walk, findings: [] }];
    expectEscaped(renderDiffReport(diffSnapshots(before, after), textView(5, {}, { width: 1000 }), true));
  });

  it('the watch report', () => {
    const before = JSON.parse(readFileSync(fixture('shm-before.json'), 'utf8')) as Snapshot;
    const grown = hostileSnapshot();
    const first = before.sites[0];
    if (first) Object.assign(first, { module: hostile, file: hostile, function: hostile, bytes: 1 });
    expectEscaped(renderTrendReport(analyzeTrend([before, grown]), 5));
  });

  it('the parse-log report, the file name given included', () => {
    const s = hostileSnapshot() as AnySnapshot;
    s.log = { file: hostile, firstLine: 1, lastLine: 2, format: 'stderr', host: null, parts: 'status+sums', sitesFrom: 'fragments', timeFrom: 'file' };
    const text = renderLogDumpReport(hostile, 2, [s], textView(5, {}, { width: 1000 }));
    expectEscaped(text);
    expect(text.startsWith(`${escaped}: 1 dump`)).toBe(true);
  });

  it('the process list and the doctor', () => {
    expectEscaped(renderProcessList({ schema: 'kamheap.ps/1', pid: 1, tableLayout: 'pt/5.3-6.0/tcp', processes: [{ index: 0, pid: 1, rank: 0, role: hostile, pkg: null, pkgError: hostile }] }));
    expectEscaped(renderDoctorReport([{ name: 'debug fields', status: 'warn', verdict: hostile, advice: hostile }]));
  });

  it('error lines', () => {
    const lines: string[] = [];
    const stderr = { write: (text: string) => lines.push(text) } as unknown as NodeJS.WritableStream;
    expect(handleError(new KamheapError('bad-input', `cannot read ${hostile}: ENOENT`), stderr)).toBe(ExitCode.badInput);
    expect(lines).toEqual([`kamheap: cannot read ${escaped}: ENOENT\n`]);
  });
});

describe('the CLI', () => {
  beforeAll(requireBuilt);

  it('diff escapes a hostile site in its table; its --json keeps the string as data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kamheap-printable-')), 'after.json');
    const s = JSON.parse(readFileSync(fixture('shm-after.json'), 'utf8')) as Snapshot;
    Object.assign(s.sites[0] ?? {}, { function: hostile });
    writeFileSync(file, JSON.stringify(s));
    const table = await kamheap(['diff', fixture('shm-before.json'), file, '--all'], { env: { ...process.env, COLUMNS: '1000' } });
    expect(table.exitCode).toBe(ExitCode.ok);
    expect(table.stdout).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(table.stdout).toContain(escaped);
    const json = await kamheap(['diff', fixture('shm-before.json'), file, '--json']);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(hostile).slice(1, -1));
  });

  it('escapes a file name in an error line, and an argument in a usage error', async () => {
    const missing = await kamheap(['parse', `/nonexistent/\u001b[31mred`]);
    expect(missing).toMatchObject({ exitCode: ExitCode.badInput, stderr: 'kamheap: cannot read /nonexistent/\\x1b[31mred: ENOENT' });
    const usage = await kamheap([`frob\u001b[2J`]);
    expect(usage.exitCode).toBe(ExitCode.usage);
    expect(usage.stderr).toContain("unknown command 'frob\\x1b[2J'");
    expect(usage.stderr).not.toContain('\u001b');
  });
});
