// Prints vitest's JSON report as one plain closing line: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log('test run did not complete (no vitest report): see the errors above');
  process.exitCode = 1;
} else {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
  process.exitCode = report.success && report.numTotalTests > 0 ? 0 : 1;
}
