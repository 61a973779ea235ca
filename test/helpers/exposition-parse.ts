// A reader of the Prometheus text format 0.0.4, written from the format's description (not from
// kamheap's writer), so tests can check what a scraper would read back: names, label values with
// their escapes undone, values and timestamps.

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | undefined;
}

export interface ParsedExposition {
  samples: ParsedSample[];
  help: Map<string, string>;
  type: Map<string, string>;
}

/** Parses the whole text; throws on a line the format does not allow. */
export function parseExposition(text: string): ParsedExposition {
  const out: ParsedExposition = { samples: [], help: new Map(), type: new Map() };
  if (!text.endsWith('\n')) throw new Error('exposition does not end with a line feed');
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'HELP' ? out.help : out.type).set(meta[2] ?? '', meta[3] ?? '');
      continue;
    }
    out.samples.push(parseSampleLine(line));
  }
  return out;
}

function parseSampleLine(line: string): ParsedSample {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (!name) throw new Error(`no metric name: ${line}`);
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(at));
      if (!label?.[1]) throw new Error(`bad label at ${at}: ${line}`);
      at += label[0].length;
      let value = '';
      for (;;) {
        const c = line[at++];
        if (c === undefined) throw new Error(`unterminated label value: ${line}`);
        if (c === '"') break;
        if (c === '\\') {
          const e = line[at++];
          if (e === 'n') value += '\n';
          else if (e === '\\' || e === '"') value += e;
          else throw new Error(`bad escape \\${String(e)}: ${line}`);
        } else value += c;
      }
      if (label[1] in labels) throw new Error(`label ${label[1]} twice: ${line}`);
      labels[label[1]] = value;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') throw new Error(`expected , or } at ${at}: ${line}`);
    }
    at++;
  }
  const rest = line.slice(at).split(' ');
  if (rest[0] !== '' || rest.length < 2 || rest.length > 3) throw new Error(`bad value part: ${line}`);
  const value = rest[1] === '+Inf' ? Infinity : rest[1] === '-Inf' ? -Infinity : Number(rest[1]);
  if (rest[1] !== 'NaN' && Number.isNaN(value)) throw new Error(`bad value: ${line}`);
  const timestampMs = rest[2] === undefined ? undefined : Number(rest[2]);
  if (timestampMs !== undefined && !Number.isInteger(timestampMs)) throw new Error(`bad timestamp: ${line}`);
  return { name, labels, value, timestampMs };
}
