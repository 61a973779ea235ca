// Splits a log line into where it came from (PID, host, time) and Kamailio's message, whoever wrote
// the line. The formats, as captured from Kamailio 5.6.3 (test/fixtures/kamailio-log/README.md):
//
//   stderr (log_stderror=yes; dprint.h prints "%2d(%d) %s: ", process_no, pid, level):
//      6(3669) ALERT: qm_status: qm_status(): heap size= 67108864
//   syslog: rsyslog's RSYSLOG_TraditionalFileFormat, and journalctl -o short / short-precise:
//     Nov 25 00:48:00 vm /usr/sbin/kamailio[10464]: ALERT: qm_status: qm_status(): heap size= 67108864
//     Nov 25 00:47:10.997556 vm kamailio[9866]: ALERT: qm_status: qm_status(): heap size= 67108864
//   syslog-iso: rsyslog's default file format on Debian 12 (RSYSLOG_FileFormat), and journalctl
//   -o short-iso / short-iso-precise:
//     2026-11-25T00:48:00.366252+00:00 vm /usr/sbin/kamailio[10464]: ALERT: qm_status: ...
//     2026-11-25T00:47:10+0000 vm kamailio[9866]: ALERT: qm_status: ...
//   rfc5424 (rsyslog's RSYSLOG_SyslogProtocol23Format): PRI, version, time, host, APP-NAME, PROCID,
//   MSGID, structured data, message; rsyslog writes APP-NAME "-" for an ident with a slash:
//     <25>1 2026-11-25T00:48:00.366252+00:00 vm - 10464 - -  ALERT: qm_status: ...
//
// Through syslog Kamailio writes "LEVEL: message" (dprint.h), syslog adds the ident (log_name, else
// argv[0]) and "[PID]" (openlog's LOG_PID). A Kamailio run with log_stderror=yes under systemd has
// its stderr line inside the journal's; the inner "rank(pid)" is used then. Lines without a PID
// (Kamailio's few lines before openlog) and continuation lines of multi-line messages give undefined.

/** Which prefix a line had (see the file comment). */
export type LogFormat = 'stderr' | 'syslog' | 'syslog-iso' | 'rfc5424';

/** A line's time: exact, or a classic syslog stamp in local time without a year. */
export type LogTimestamp =
  | { kind: 'exact'; epochMs: number }
  | { kind: 'no-year'; month: number; day: number; hour: number; minute: number; second: number; ms: number };

/** One of Kamailio's lines, its prefix taken apart. */
export interface PrefixedLine {
  format: LogFormat;
  /** The syslog host field; undefined for stderr lines. */
  host: string | undefined;
  pid: number;
  /** Kamailio's process_no; only stderr lines carry it. */
  rank: number | undefined;
  level: string;
  /** Everything after "LEVEL: ". */
  body: string;
  time: LogTimestamp | undefined;
}

/** A stderr line's parts (testbed API: testbed/parse-kamailio-log.ts). */
export interface LogLine {
  rank: number;
  pid: number;
  level: string;
  body: string;
}

const STDERR = /^\s*(-?\d+)\((\d+)\) ([A-Z]+): (.*)$/;
const LEVEL = /^\s*([A-Z]+): (.*)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CLASSIC_TIME = '([A-Z][a-z]{2}) {1,2}(\\d{1,2}) (\\d\\d):(\\d\\d):(\\d\\d)(\\.\\d+)?';
const ISO_TIME = '(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d))';
// "HOST TAG[PID]: MESSAGE"; an optional "<PRI>" in front, as a line received from the network has.
const SYSLOG = new RegExp(`^(?:<\\d{1,3}>)?${CLASSIC_TIME} (\\S+) [^\\s\\[]+\\[(\\d+)\\]: ?(.*)$`);
const SYSLOG_ISO = new RegExp(`^(?:<\\d{1,3}>)?${ISO_TIME} (\\S+) [^\\s\\[]+\\[(\\d+)\\]: ?(.*)$`);
const RFC5424 = new RegExp(`^<\\d{1,3}>1 ${ISO_TIME} (\\S+) \\S+ (\\d+) \\S+ (?:-|\\[.*?\\]) ?(.*)$`);

/** Splits Kamailio's stderr prefix "%2d(%d) LEVEL: " off a line; undefined for any other line. */
export function parseStderrLine(line: string): LogLine | undefined {
  const m = STDERR.exec(line);
  if (m === null) return undefined;
  const pid = Number(m[2]);
  // A process ID is positive (the snapshot's target.pid): "0(...)" or 30 digits is no Kamailio line.
  if (!Number.isSafeInteger(pid) || pid < 1) return undefined;
  return { rank: Number(m[1]), pid, level: m[3] ?? '', body: m[4] ?? '' };
}

/** Takes any supported prefix off a line of Kamailio's; undefined for other lines. */
export function parsePrefixedLine(line: string): PrefixedLine | undefined {
  const stderr = parseStderrLine(line);
  if (stderr !== undefined) return { format: 'stderr', host: undefined, time: undefined, ...stderr };
  const iso = SYSLOG_ISO.exec(line);
  if (iso !== null) return withMessage('syslog-iso', iso[2], Number(iso[3]), iso[4] ?? '', isoTime(iso[1] ?? ''));
  const rfc = RFC5424.exec(line);
  if (rfc !== null) return withMessage('rfc5424', rfc[2], Number(rfc[3]), rfc[4] ?? '', isoTime(rfc[1] ?? ''));
  const classic = SYSLOG.exec(line);
  if (classic === null) return undefined;
  return withMessage('syslog', classic[7], Number(classic[8]), classic[9] ?? '', classicTime(classic));
}

// Reads "LEVEL: body" (or a whole stderr line, for Kamailio's stderr inside the journal).
function withMessage(format: LogFormat, host: string | undefined, pid: number, message: string, time: LogTimestamp | undefined): PrefixedLine | undefined {
  // A host name has at most 255 characters (RFC 5424's HOSTNAME, and the snapshot schema's log.host);
  // a process ID is positive.
  if ((host !== undefined && host.length > 255) || !Number.isSafeInteger(pid) || pid < 1) return undefined;
  const inner = parseStderrLine(message);
  if (inner !== undefined) return { format, host, time, ...inner };
  const m = LEVEL.exec(message);
  if (m === null) return undefined;
  return { format, host, pid, rank: undefined, level: m[1] ?? '', body: m[2] ?? '', time };
}

// An RFC 3339 stamp with its offset ("+0000" as journalctl writes it, too) as epoch milliseconds.
function isoTime(text: string): LogTimestamp | undefined {
  const normalized = text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2').replace(/(\.\d{3})\d+/, '$1');
  const epochMs = Date.parse(normalized);
  return Number.isNaN(epochMs) ? undefined : { kind: 'exact', epochMs };
}

// "Nov 25 00:48:00" (and ".997556" from journalctl -o short-precise), a local time without a year.
function classicTime(m: RegExpExecArray): LogTimestamp | undefined {
  const month = MONTHS.indexOf(m[1] ?? '');
  if (month < 0) return undefined;
  const fraction = m[6] === undefined ? 0 : Math.floor(Number(`0${m[6]}`) * 1000);
  return { kind: 'no-year', month, day: Number(m[2]), hour: Number(m[3]), minute: Number(m[4]), second: Number(m[5]), ms: fraction };
}
