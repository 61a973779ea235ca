// The PromQL expressions of the shipped Grafana dashboard (panel targets and the label_values
// queries of its template variables), for the tests that check them against serve and Prometheus.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dashboardFile = fileURLToPath(new URL('../../docs/grafana/kamheap-dashboard.json', import.meta.url));

interface Dashboard {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; query: string | { query: string } }> };
}

/** [where, expression] for every PromQL expression of the dashboard. */
export function dashboardExpressions(): Array<[string, string]> {
  const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
  const panels = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t): [string, string] => [p.title, t.expr]));
  const variables = dashboard.templating.list
    .map((v): [string, string] => [`$${v.name}`, typeof v.query === 'string' ? v.query : v.query.query])
    .filter(([, q]) => q.startsWith('label_values('));
  return [...panels, ...variables];
}
