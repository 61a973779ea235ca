// The Prometheus text exposition format 0.0.4 (which OpenMetrics parsers read too): one HELP and one
// TYPE line per family, then its samples. Label values come from the target's memory (role texts,
// site strings), so they are escaped exactly as the format asks: backslash, double quote, newline.

export type MetricType = 'gauge' | 'counter';

/** One sample: its labels in the order they are printed, its value, and when it was measured (ms since the epoch). */
export interface MetricSample {
  labels: ReadonlyArray<readonly [string, string]>;
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: MetricSample[];
}

/** The families as exposition text, in the order given. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) lines.push(sampleLine(family.name, sample));
  }
  return `${lines.join('\n')}\n`;
}

/** `name{a="x",b="y"} value [timestamp]`. */
function sampleLine(name: string, sample: MetricSample): string {
  const labels = sample.labels.length === 0 ? '' : `{${sample.labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
  const timestamp = sample.timestampMs === undefined ? '' : ` ${Math.round(sample.timestampMs)}`;
  return `${name}${labels} ${valueText(sample.value)}${timestamp}`;
}

/** A label value as the format quotes it: `\` as `\\`, `"` as `\"`, a line feed as `\n`. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text: `\` as `\\` and a line feed as `\n` (quotes stay). */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** Go's float text as Prometheus parses it: integers in full, NaN and the infinities by name. */
function valueText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
