// The change schema/snapshot.schema.json needs for snapshots parsed from the log (`parse-log`),
// proposed to the schema's owner and applied here, so the tests hold parse-log's output to it.
// Applying it twice changes nothing, so it keeps working once the schema file has it.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

// The object at `path` (dot-separated property names) inside `root`.
function at(root: Json, path: string): Json {
  let node: Json = root;
  for (const key of path.split('.')) node = node[key] as Json;
  return node;
}

// Adds `value` to an enum list once.
function addToEnum(node: Json, value: string): void {
  const values = node['enum'] as string[];
  if (!values.includes(value)) values.push(value);
}

// Lets a field also be null: a $ref becomes anyOf [$ref, null]; a type gains "null".
function nullable(node: Json): void {
  if (typeof node['$ref'] === 'string') {
    node['anyOf'] = [{ $ref: node['$ref'] }, { type: 'null' }];
    delete node['$ref'];
  } else if (typeof node['type'] === 'string') {
    node['type'] = [node['type'], 'null'];
  }
}

/** The `log` property the proposal adds (see src/snapshot/snapshot.ts LogOrigin). */
export const logProperty = {
  description: 'Where a snapshot parsed from Kamailio\'s own dump lines (kamheap parse-log) came from; absent in a walked snapshot.',
  type: 'object',
  additionalProperties: false,
  required: ['file', 'firstLine', 'lastLine', 'format', 'host', 'parts', 'sitesFrom', 'timeFrom'],
  properties: {
    file: { description: 'The file read, as given; "-" for stdin.', type: 'string' },
    firstLine: { description: "1-based number of the dump's first line in that file (its \"Memory ...\" header when it has one).", type: 'integer', minimum: 1 },
    lastLine: { description: "1-based number of the dump's last line.", type: 'integer', minimum: 1 },
    format: { description: "The lines' prefix: stderr (Kamailio's own, \"6(3669) ALERT: \"), syslog (classic \"Nov 25 00:48:00 host tag[pid]: \", journalctl -o short), syslog-iso (rsyslog's RFC 3339 stamps, journalctl -o short-iso), rfc5424.", enum: ['stderr', 'syslog', 'syslog-iso', 'rfc5424'] },
    host: { description: 'The syslog host field; null for stderr lines.', type: ['string', 'null'] },
    parts: { description: 'A status dump (heap totals, fragments), a *_sums block (sites), or both, logged one after the other by one process.', enum: ['status', 'sums', 'status+sums'] },
    sitesFrom: { description: "Where sites come from: the status dump's fragments (when it lists all of them with their origins), Kamailio's *_sums lines, or nowhere.", enum: ['fragments', 'sums', 'none'] },
    timeFrom: { description: "Where createdAt comes from: the first line's timestamp; one without a year (classic syslog: the year of the file's mtime); the file's mtime; the time stdin was read.", enum: ['log', 'log-without-year', 'file', 'read'] },
  },
};

/** A copy of the snapshot schema with the change for parse-log applied. */
export function withLogSnapshots(schema: Json): Json {
  const s = structuredClone(schema);
  addToEnum(at(s, 'properties.heap.properties.layoutSource'), 'log');
  addToEnum(at(s, 'properties.walk.properties.walker'), 'log');
  addToEnum(at(s, '$defs.finding.properties.kind'), 'log-incomplete');
  for (const field of ['block', 'size', 'used', 'realUsed', 'maxRealUsed', 'free']) {
    const node = at(s, `properties.heap.properties.${field}`);
    if (!JSON.stringify(node).includes('"null"')) nullable(node);
  }
  for (const field of ['free', 'fragmentation']) {
    const node = at(s, `properties.totals.properties.${field}`);
    if (!JSON.stringify(node['type']).includes('null')) nullable(node);
  }
  at(s, 'properties')['log'] ??= structuredClone(logProperty);
  return s;
}

/** A validator of snapshots against the patched schema: [] when valid, else the errors as text. */
export function logSnapshotValidator(): (value: unknown) => string[] {
  const schema = JSON.parse(readFileSync(new URL('../../schema/snapshot.schema.json', import.meta.url), 'utf8')) as Json;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(withLogSnapshots(schema));
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}
