// The shipped Grafana dashboard asks only for what `kamheap serve` exposes: every PromQL expression
// in it (panel targets and template variable queries) is read token by token; each identifier is a
// PromQL function, keyword or label name, or one of serve's metric names.
import { describe, expect, it } from 'vitest';
import { serveMetricNames } from '../../src/serve/serve-metrics.js';
import { dashboardExpressions } from '../helpers/dashboard-queries.js';

const functions = new Set(['sum', 'max', 'min', 'avg', 'count', 'topk', 'bottomk', 'increase', 'rate', 'delta', 'time', 'label_values', 'clamp_min', 'sort_desc']);
const keywords = new Set(['by', 'without', 'on', 'ignoring', 'bool', 'and', 'or', 'unless']);

/** The identifiers of an expression outside label matchers, grouping lists, ranges and strings: functions (followed by "(") and metric names. */
function identifiers(expr: string): Array<{ name: string; call: boolean }> {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without)\s*\([^)]*\)/g, '$1 ()')
    // label_values(METRIC, LABEL): the second argument is a label name.
    .replace(/,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)/g, ')');
  // A call: NAME( or, for an aggregation, NAME by (...) (.
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*(?:(?:by|without)\s*\(\)\s*)?\()?/g)].map((m) => ({ name: m[1] ?? '', call: m[2] !== undefined }));
}

describe('docs/grafana/kamheap-dashboard.json', () => {
  const all = dashboardExpressions();

  it('has panels for heap used and free per process, fragmentation, top sites, modules, walk duration and pause', () => {
    const used = new Set(all.flatMap(([, e]) => identifiers(e).filter((i) => !i.call).map((i) => i.name)));
    for (const name of ['kamheap_heap_real_used_bytes', 'kamheap_heap_free_bytes', 'kamheap_heap_fragmentation_ratio', 'kamheap_site_bytes', 'kamheap_module_bytes', 'kamheap_walk_duration_seconds', 'kamheap_walk_pause_seconds']) {
      expect(used).toContain(name);
    }
    expect(all.length).toBeGreaterThan(12);
  });

  it.each(dashboardExpressions())('%s: %s names only metrics serve exposes', (_where, expr) => {
    const ids = identifiers(expr);
    const metrics = ids.filter((i) => !i.call && !keywords.has(i.name));
    expect(metrics.length, 'names no metric').toBeGreaterThan(0);
    for (const m of metrics) expect(serveMetricNames, m.name).toContain(m.name);
    for (const f of ids.filter((i) => i.call)) expect(functions, f.name).toContain(f.name);
  });

  it('the check catches a metric serve does not expose', () => {
    const names = identifiers('sum by (module) (kamheap_module_bytez{heap="shm"}) / kamheap_heap_size_bytes').filter((i) => !i.call && !keywords.has(i.name));
    expect(names.map((i) => i.name)).toEqual(['kamheap_module_bytez', 'kamheap_heap_size_bytes']);
    expect(serveMetricNames).not.toContain('kamheap_module_bytez');
  });
});
