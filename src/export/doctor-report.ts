// Renders the doctor's checks: one line each, a verdict, and advice under it when there is some.
import type { CheckResult } from '../doctor/check.js';
import { printable } from './printable.js';

const marks = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', info: 'info' } as const;

/** The checklist as text. */
export function renderDoctorReport(checks: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const c of checks) {
    // Verdicts quote what the target said about itself (its version, a process's role).
    lines.push(`[${marks[c.status]}] ${c.name}: ${printable(c.verdict)}`);
    if (c.advice) lines.push(`       -> ${printable(c.advice)}`);
  }
  return `${lines.join('\n')}\n`;
}
