// Renders the doctor's checks: one line each, a verdict, and advice under it when there is some.
import type { CheckResult } from '../doctor/check.js';

const marks = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', info: 'info' } as const;

/** The checklist as text. */
export function renderDoctorReport(checks: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`[${marks[c.status]}] ${c.name}: ${c.verdict}`);
    if (c.advice) lines.push(`       -> ${c.advice}`);
  }
  return `${lines.join('\n')}\n`;
}
