// The text views on real captured snapshots: one site string (the module never printed twice),
// human sizes by default and raw with --bytes, at most 80 columns, colour only when asked.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDiffReport } from '../../src/export/diff-report.js';
import { renderTextReport } from '../../src/export/text-report.js';
import { elideMiddle, wrapParts } from '../../src/export/text-fit.js';
import { paint } from '../../src/export/paint.js';
import { diffSnapshots } from '../../src/snapshot/diff.js';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { textView } from '../helpers/text-view.js';

const fixture = (name: string): Snapshot => JSON.parse(readFileSync(new URL(`../fixtures/snapshots/${name}`, import.meta.url), 'utf8')) as Snapshot;
const after = { ...fixture('shm-after.json'), heap: { ...fixture('shm-after.json').heap, fragmentOverhead: 104 } };
const widest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

describe('walk summary', () => {
  it('prints site strings once, human sizes, share and overhead, within 80 columns', () => {
    const text = renderTextReport(after, textView(30));
    expect(text).toContain('  size 64.0 MiB  free 56.4 MiB  used 4.35 MiB  real used 7.60 MiB (max 7.60 MiB)');
    expect(text).toMatch(/^count +bytes +share +overhead  site$/m);
    expect(text).toMatch(/^30500 3\.49 MiB 80\.3% 3\.03 MiB  htable: ht_api\.c: ht_cell_new\(186\)$/m);
    expect(text).not.toMatch(/\b(\w+) +\1: /);
    expect(text).toMatch(/^total of all 46: 30548 fragments, 4\.35 MiB \(100\.0%\), overhead 3\.03 MiB$/m);
    expect(widest(text)).toBeLessThanOrEqual(80);
  });

  it('prints raw byte counts with --bytes, grouped by module', () => {
    const text = renderTextReport(after, textView(3, { by: 'module' }, { sizes: 'raw' }));
    expect(text).toContain('  size 67108864  free 59137464  used 4559152  real used 7971400 (max 7971400)');
    expect(text).toMatch(/^top 3 of \d+ modules by bytes:$/m);
    expect(text).toMatch(/^30502 4183816 91\.8% +3172208 +3  htable$/m);
  });

  it('elides the middle of a site string too long for the width, and colours only when asked', () => {
    const narrow = renderTextReport(after, textView(30, {}, { width: 60 }));
    expect(narrow).toMatch(/^ .* core: core\/dst…blocklist\(437\)$/m);
    // All but the heading, one part that wraps only at 80 columns.
    expect(widest(narrow.slice(narrow.indexOf('\n') + 1))).toBeLessThanOrEqual(60);
    expect(narrow).not.toContain('\u001b');
    expect(renderTextReport(after, textView(3, {}, { paint: paint(true) }))).toContain('\u001b[1m');
  });
});

describe('diff', () => {
  it('prints signed human sizes and the site string, within 80 columns', () => {
    const text = renderDiffReport(diffSnapshots(fixture('shm-before.json'), after), textView(5), true);
    expect(text).toContain('  free 56.5 MiB -> 56.4 MiB (-109 KiB); used +58.6 KiB; real used +109 KiB');
    expect(text).toMatch(/^\+58\.6 KiB +\+500 3\.49 MiB 30500 grew +htable: ht_api\.c: ht_cell_new\(186\)$/m);
    expect(widest(text)).toBeLessThanOrEqual(80);
  });
});

describe('text-fit', () => {
  it.each<[string, number, string]>([
    ['abcdef', 6, 'abcdef'],
    ['abcdefgh', 5, 'ab…gh'],
    ['abcdefgh', 6, 'ab…fgh'],
  ])('elideMiddle(%j, %i) = %j', (text, width, expected) => {
    expect(elideMiddle(text, width)).toBe(expected);
  });

  it('wraps parts between parts, a part too long alone on its line', () => {
    expect(wrapParts(['aaaa', 'bbbb', 'cccccccccccc', 'd'], 12, '  ')).toEqual(['  aaaa  bbbb', '  cccccccccccc', '  d']);
  });
});
