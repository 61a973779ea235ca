// The parsers of Kamailio's memory-dump lines live in the product (src/kamailio-log/, used by
// `kamheap parse-log`); the testbed's oracle uses the same ones. `parseLogLine` is the stderr
// prefix alone ("%2d(%d) LEVEL: "), the only one the testbed's own log file has.
export { parseStderrLine as parseLogLine, type LogLine } from '../src/kamailio-log/log-prefix.js';
export {
  parseMemLogBody,
  parseSourceSite,
  parseStatusText,
  parseSumsText,
  type HeaderWhat,
  type MemLogRecord,
  type SourceSite,
} from '../src/kamailio-log/mem-log-line.js';
