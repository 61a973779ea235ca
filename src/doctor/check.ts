// One line of `kamheap doctor`: what was looked at, a verdict, and what to do about it.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface CheckResult {
  /** Short name, e.g. "ptrace", "shm headroom". */
  name: string;
  status: CheckStatus;
  /** One line: what was found. */
  verdict: string;
  /** One line: what to do, when something is to be done. */
  advice?: string;
}

/** Runs a check, turning an unexpected failure into a `fail` line instead of aborting the doctor. */
export async function runCheck(name: string, check: () => Promise<CheckResult | CheckResult[]> | CheckResult | CheckResult[]): Promise<CheckResult[]> {
  try {
    const result = await check();
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    return [{ name, status: 'fail', verdict: error instanceof Error ? error.message : String(error) }];
  }
}

/** Percent with one decimal. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '?';
}
