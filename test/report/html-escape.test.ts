import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../src/report/html-escape.js';
import { renderHtmlReport } from '../../src/report/render-html-report.js';
import type { AnySnapshot } from '../../src/snapshot/snapshot.js';
import { fixture } from './report-fixtures.js';

// Site text a target's memory could hold: markup, a script end, quotes, and line separators.
const hostile = {
  module: 'x"><svg onload=alert(1)>',
  file: '<img src=x onerror=alert(2)>.c',
  function: '</script><script>alert(3)</script><!--',
  line: 7,
};
const separators = 'a\u2028b\u2029c & </SCRIPT >';

// Every element the page itself writes.
const pageTags = new Set('html head meta link title style body header h1 h2 h3 h4 dl dt dd main div span section p b ul li figure figcaption svg rect text g circle path line table thead tbody tr th td input label select option i footer'.split(' '));

// A real snapshot with a hostile site (the largest) and a finding whose message quotes one.
function hostileSnapshot(): AnySnapshot {
  const s = JSON.parse(readFileSync(fixture('snapshots/shm-before.json'), 'utf8')) as AnySnapshot;
  s.sites = [{ ...hostile, count: 3, bytes: 9_999_999 }, { module: 'tm', file: separators, function: 'f', line: 1, count: 1, bytes: 8 }, ...s.sites];
  s.findings = [{ kind: 'check-pattern', index: 5, address: '0x7fbe75149000', message: '<b>broken</b> near "</script>"' }];
  return s;
}

// The text of every <script> element, and what remains of the page outside them.
function scripts(html: string): { bodies: string[]; outside: string } {
  const bodies: string[] = [];
  const outside = html.replace(/<script\b[^>]*>([\s\S]*?)<\/script>/gi, (_m, body: string) => {
    bodies.push(body);
    return '';
  });
  return { bodies, outside };
}

describe('escaping', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('keeps JSON in a script from ending it, opening a comment, or breaking a line', () => {
    const text = jsonForScript({ s: separators, t: '</script><!--' });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ s: separators, t: '</script><!--' });
  });

  it('a report of a snapshot with hostile site names holds them only as text', () => {
    const html = renderHtmlReport({ snapshot: hostileSnapshot(), generatedAt: new Date(0) });
    const { bodies, outside } = scripts(html);
    // Only the page's own two script elements: the data and the code.
    expect(bodies).toHaveLength(2);
    expect(html.match(/<script\b/gi)).toHaveLength(2);
    // No element or attribute from the snapshot's text made it into the markup.
    const tags = new Set([...outside.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]?.toLowerCase()));
    expect([...tags].filter((t) => !pageTags.has(t ?? ''))).toEqual([]);
    expect(outside).not.toMatch(/<!--/);
    expect(outside).toContain('x&quot;&gt;&lt;svg onload=alert(1)&gt;');
    expect(outside).toContain('&lt;img src=x onerror=alert(2)&gt;.c: &lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;&lt;!--(7)');
    expect(outside).toContain('&lt;b&gt;broken&lt;/b&gt; near &quot;&lt;/script&gt;&quot;');
    // The embedded data reads back as the same text.
    const data = JSON.parse(bodies[0] ?? '') as { sites: Record<string, Array<[string, string, number, number]>> };
    expect(bodies[0]).not.toMatch(/[<>&\u2028\u2029]/);
    expect(data.sites['shm']?.[0]).toEqual([`x"><svg onload=alert(1)>: <img src=x onerror=alert(2)>.c: </script><script>alert(3)</script><!--(7)`, hostile.module, 3, 9_999_999]);
    expect(data.sites['shm']?.[1]?.[0]).toBe(`tm: ${separators}: f(1)`);
  });

  it('allows no request and no script but its own (Content-Security-Policy by hash)', () => {
    const html = renderHtmlReport({ snapshot: hostileSnapshot() });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
  });
});
