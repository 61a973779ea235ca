import { describe, expect, it } from 'vitest';
import { parsePrefixedLine, type PrefixedLine } from '../../src/kamailio-log/log-prefix.js';
import { resolveTimestamp } from '../../src/kamailio-log/log-time.js';

// Real lines from test/fixtures/kamailio-log/ (syslog, journal) and test/fixtures/kamailio/ (stderr).
const HEADER_BODY = '<core> [core/pt.c:583]: mem_dump_shm_fixup(): Memory status (shm)';
const exact = (iso: string): PrefixedLine['time'] => ({ kind: 'exact', epochMs: Date.parse(iso) });
const noYear = (hour: number, minute: number, second: number, ms = 0): PrefixedLine['time'] => ({ kind: 'no-year', month: 10, day: 25, hour, minute, second, ms });

describe('parsePrefixedLine', () => {
  it.each<[string, string, Partial<PrefixedLine>]>([
    ['stderr', ` 6(3669) ALERT: ${HEADER_BODY}`, { format: 'stderr', host: undefined, pid: 3669, rank: 6, time: undefined }],
    ['rsyslog, Debian 12 default (RSYSLOG_FileFormat)', `2026-11-25T00:48:00.366252+00:00 vm /usr/sbin/kamailio[10464]: ALERT: ${HEADER_BODY}`,
      { format: 'syslog-iso', host: 'vm', pid: 10464, rank: undefined, time: exact('2026-11-25T00:48:00.366Z') }],
    ['rsyslog, RSYSLOG_TraditionalFileFormat', `Nov 25 00:48:00 vm /usr/sbin/kamailio[10464]: ALERT: ${HEADER_BODY}`,
      { format: 'syslog', host: 'vm', pid: 10464, time: noYear(0, 48, 0) }],
    ['rsyslog, RFC 5424 (APP-NAME "-" for a slash ident)', `<25>1 2026-11-25T00:48:00.366252+00:00 vm - 10464 - -  ALERT: ${HEADER_BODY}`,
      { format: 'rfc5424', host: 'vm', pid: 10464, time: exact('2026-11-25T00:48:00.366Z') }],
    ['rsyslog, RFC 5424 with log_name', `<25>1 2026-11-25T00:48:10.966829+00:00 vm kamailio 10600 - -  ALERT: ${HEADER_BODY}`,
      { format: 'rfc5424', host: 'vm', pid: 10600, time: exact('2026-11-25T00:48:10.966Z') }],
    ['journalctl -o short', `Nov 25 00:47:10 vm kamailio[9866]: ALERT: ${HEADER_BODY}`, { format: 'syslog', host: 'vm', pid: 9866, time: noYear(0, 47, 10) }],
    ['journalctl -o short-iso', `2026-11-25T00:47:10+0000 vm kamailio[9866]: ALERT: ${HEADER_BODY}`,
      { format: 'syslog-iso', host: 'vm', pid: 9866, time: exact('2026-11-25T00:47:10Z') }],
    ['journalctl -o short-precise', `Nov 25 00:47:10.351445 vm kamailio[9866]: ALERT: ${HEADER_BODY}`,
      { format: 'syslog', host: 'vm', pid: 9866, time: noYear(0, 47, 10, 351) }],
    // Hand-made from the two real formats: Kamailio with log_stderror=yes under systemd.
    ['stderr inside a journal line', `Nov 25 00:47:10 vm kamailio[9866]:  6(9866) ALERT: ${HEADER_BODY}`,
      { format: 'syslog', host: 'vm', pid: 9866, rank: 6, time: noYear(0, 47, 10) }],
  ])('%s', (_what, line, expected) => {
    expect(parsePrefixedLine(line)).toEqual({ level: 'ALERT', body: HEADER_BODY, host: undefined, rank: undefined, time: undefined, ...expected });
  });

  it('keeps the message of a NOTICE line whole', () => {
    const line = "2026-11-25T00:48:01.919417+00:00 vm /usr/sbin/kamailio[10464]: NOTICE: qm_sums: qm_sums(): summarizing all alloc'ed. fragments:";
    expect(parsePrefixedLine(line)).toMatchObject({ level: 'NOTICE', body: "qm_sums: qm_sums(): summarizing all alloc'ed. fragments:" });
  });

  it.each([
    // Kamailio before openlog(): no PID
    ['Nov 25 00:47:27 vm kamailio: INFO: <core> [core/sctp_core.c:74]: sctp_core_check_support(): SCTP API not enabled'],
    ['<30>1 2026-11-25T00:47:27.243954+00:00 vm kamailio - - -  INFO: <core> [core/sctp_core.c:74]: sctp_core_check_support(): SCTP API not enabled'],
    // the second line of a multi-line message in journalctl's output
    ['                                                    bucket size:  33554432 -  67108864 (first  63813928)'],
    // another program, whose message has no Kamailio level
    ['Nov 25 00:47:10 vm kamheap-capture[9868]: begin 9842-1795567629914 qm'],
    ['2026-11-25T00:48:00.116012+00:00 vm kamheap-capture: begin 10425-1795567679828 qm'],
    [''],
    // what no snapshot could hold: PID 0, a PID past 2^53, a host name past 255 characters
    [' 6(0) ALERT: qm_status: qm_status(): heap size= 67108864'],
    [' 6(123456789012345678901) ALERT: qm_status: qm_status(): heap size= 67108864'],
    [`2026-11-25T00:48:00.366252+00:00 ${'h'.repeat(256)} kamailio[3669]:  6(3669) ALERT: qm_status: qm_status(): heap size= 67108864`],
  ])('leaves other lines alone: %j', (line) => {
    expect(parsePrefixedLine(line)).toBeUndefined();
  });
});

describe('resolveTimestamp', () => {
  const local = (y: number, mo: number, d: number, h = 0): Date => new Date(y, mo, d, h);
  const stamp = (month: number, day: number): Extract<PrefixedLine['time'], { kind: 'no-year' }> => ({ kind: 'no-year', month, day, hour: 12, minute: 0, second: 0, ms: 0 });

  it('takes an exact stamp as it is', () => {
    expect(resolveTimestamp({ kind: 'exact', epochMs: 1_795_567_680_366 }, new Date(0)).getTime()).toBe(1_795_567_680_366);
  });

  it.each([
    ['the file mtime year', stamp(10, 25), local(2026, 10, 25, 13), local(2026, 10, 25, 12)],
    ['the year before for a stamp after the mtime (a log spanning New Year)', stamp(11, 31), local(2027, 0, 1, 9), local(2026, 11, 31, 12)],
    ['the mtime year for a stamp a few hours after it (clock or zone skew)', stamp(0, 1), local(2027, 0, 1, 9), local(2027, 0, 1, 12)],
  ])('gives a stamp without a year %s', (_what, s, reference, expected) => {
    expect(resolveTimestamp(s, reference)).toEqual(expected);
  });
});
