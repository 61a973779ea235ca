// Turns a line's timestamp into a date. Classic syslog stamps ("Nov 25 00:48:00", journalctl -o
// short) have neither year nor zone: they are read as local time in kamheap's time zone (TZ), in
// the year of a reference date: the log file's mtime, which is later than every line in it (or the
// time stdin was read).
import type { LogTimestamp } from './log-prefix.js';

// A stamp more than this far after the reference belongs to the year before (a log spanning New Year).
const SLACK_MS = 24 * 60 * 60 * 1000;

/** The stamp as a Date, the year taken from `reference` when the stamp has none. */
export function resolveTimestamp(stamp: LogTimestamp, reference: Date): Date {
  if (stamp.kind === 'exact') return new Date(stamp.epochMs);
  const inYear = (year: number): Date => new Date(year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second, stamp.ms);
  const guess = inYear(reference.getFullYear());
  return guess.getTime() > reference.getTime() + SLACK_MS ? inYear(reference.getFullYear() - 1) : guess;
}
