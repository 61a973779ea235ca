// --format / -o parsed into one typed choice per command; the deprecated --json mapped onto it.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode, KamheapError } from '../../src/errors.js';
import { checkFragmentsFormat, parseOutputOptions, textOrJson, type OutputChoice, type RawOutputOptions } from '../../src/cli/output-options.js';
import { snapshotFormats } from '../../src/export/snapshot-formats.js';
import { kamheap } from '../helpers/kamheap-cli.js';

const diffFormats = ['text', 'json', 'csv', 'pprof'] as const;

describe('parseOutputOptions', () => {
  it.each<[string, RawOutputOptions, readonly string[], 'flag' | 'file' | undefined, OutputChoice]>([
    ['nothing: the command default on stdout', {}, snapshotFormats, 'file', { format: 'text', target: '-', textToStdout: false }],
    ['--format csv -o FILE', { format: 'csv', output: 'out.csv' }, snapshotFormats, 'file', { format: 'csv', target: 'out.csv', textToStdout: false }],
    ['-o FILE alone: text to FILE', { output: 'out.txt' }, snapshotFormats, 'file', { format: 'text', target: 'out.txt', textToStdout: false }],
    ['-o -', { format: 'folded', output: '-' }, snapshotFormats, 'file', { format: 'folded', target: '-', textToStdout: false }],
    ['--json FILE: the snapshot to FILE, the text to stdout', { json: 'a.json' }, snapshotFormats, 'file', { format: 'json', target: 'a.json', textToStdout: true }],
    ['--json FILE --format ndjson', { json: 'a.ndjson', format: 'ndjson' }, snapshotFormats, 'file', { format: 'ndjson', target: 'a.ndjson', textToStdout: true }],
    ['--json -: the snapshot alone on stdout', { json: '-' }, snapshotFormats, 'file', { format: 'json', target: '-', textToStdout: false }],
    ['--json (flag): --format json', { json: true }, diffFormats, 'flag', { format: 'json', target: '-', textToStdout: false }],
    ['--json -o FILE', { json: true, output: 'd.json' }, diffFormats, 'flag', { format: 'json', target: 'd.json', textToStdout: false }],
    ['--json --format json', { json: true, format: 'json' }, textOrJson, 'flag', { format: 'json', target: '-', textToStdout: false }],
  ])('%s', (_what, raw, formats, legacy, expected) => {
    expect(parseOutputOptions(raw, formats as readonly ('text' | 'json')[], legacy)).toEqual(expected);
  });

  it.each<[string, RawOutputOptions, readonly string[], 'flag' | 'file' | undefined, string]>([
    ['a format the command lacks, naming the ones it has', { format: 'pprof' }, textOrJson, 'flag', '--format must be one of text, json for this command, not "pprof"'],
    ['an unknown format', { format: 'xml' }, diffFormats, 'flag', '--format must be one of text, json, csv, pprof for this command, not "xml"'],
    ['--json FILE with -o', { json: 'a.json', output: 'b.json' }, snapshotFormats, 'file', '--json FILE and -o/--output both name the output: give one (--format json -o FILE)'],
    ['--json FILE with --format csv', { json: 'a.json', format: 'csv' }, snapshotFormats, 'file', '--json FILE writes json or ndjson; for --format csv give -o FILE instead of --json'],
    ['--json with --format csv', { json: true, format: 'csv' }, diffFormats, 'flag', '--json is --format json: it cannot go with --format csv'],
    ['an empty -o', { output: '' }, diffFormats, 'flag', '-o/--output needs a file name, or - for stdout'],
  ])('refuses %s as a usage error', (_what, raw, formats, legacy, message) => {
    const call = (): unknown => parseOutputOptions(raw, formats as readonly ('text' | 'json')[], legacy);
    expect(call).toThrow(KamheapError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect((error as KamheapError).kind).toBe('usage');
    }
  });
});

describe('checkFragmentsFormat', () => {
  it('lets --fragments into json and ndjson, refuses it for a table or a profile', () => {
    expect(() => checkFragmentsFormat(true, 'ndjson')).not.toThrow();
    expect(() => checkFragmentsFormat(false, 'csv')).not.toThrow();
    expect(() => checkFragmentsFormat(true, 'html')).not.toThrow();
    expect(() => checkFragmentsFormat(true, 'pprof')).toThrow("--fragments goes into a json or ndjson snapshot or the html page's heap map, not into --format pprof");
  });
});

describe('the built CLI', () => {
  it.each<[string[], string]>([
    [['info', '1', '--format', 'csv'], 'kamheap: --format must be one of text, json for this command, not "csv"'],
    [['ps', '1', '--json', '--format', 'csv'], 'kamheap: --json is --format json: it cannot go with --format csv'],
    [['walk', '1', '--json', 'a.json', '-o', 'b.json'], 'kamheap: --json FILE and -o/--output both name the output: give one (--format json -o FILE)'],
  ])('refuses %j with one line, exit 2, before looking at the PID', async (args, message) => {
    const r = await kamheap(args);
    expect({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr.trim() }).toEqual({ exitCode: ExitCode.usage, stdout: '', stderr: message });
  });

  it('parse --format html: the report page of the snapshot, its sites and heap map from --fragments', async () => {
    const out = fileURLToPath(new URL('../fixtures/walk/shm-walk-full.out', import.meta.url));
    const snapshot = JSON.parse((await kamheap(['parse', out, '--format', 'json'])).stdout) as { sites: Array<{ file: string; function: string; line: number; bytes: number }> };
    const page = await kamheap(['parse', out, '--format', 'html', '--fragments']);
    expect(page.exitCode).toBe(ExitCode.ok);
    expect(page.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    const top = snapshot.sites[0];
    expect(top).toBeDefined();
    expect(page.stdout).toContain(`${top?.function}(${top?.line})`);
    // The heap map is drawn from the fragments; without them the page says how to get them.
    const plain = await kamheap(['parse', out, '--format', 'html']);
    expect(plain.stdout).toContain('--fragments');
    expect(page.stdout.length).toBeGreaterThan(plain.stdout.length);
  });

  it('parse-log --format ndjson: the snapshots of --json, one per line', async () => {
    const log = fileURLToPath(new URL('../fixtures/kamailio-log/rsyslog-iso.txt', import.meta.url));
    const array = JSON.parse((await kamheap(['parse-log', log, '--json'])).stdout) as unknown[];
    const lines = (await kamheap(['parse-log', log, '--format', 'ndjson'])).stdout.trimEnd().split('\n');
    expect(array.length).toBeGreaterThan(1);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(array);
  });
});
