// Preloaded into the kamheap process (`node --import`): on exit it writes that process's own peak
// RSS in kB (getrusage RUSAGE_SELF, so kamheap's gdb child is not counted) to
// $KAMHEAP_BENCH_RSS_FILE. It changes nothing else in the process.
import { writeFileSync } from 'node:fs';

const file = process.env.KAMHEAP_BENCH_RSS_FILE;
if (file !== undefined && file !== '') {
  process.on('exit', () => writeFileSync(file, `${process.resourceUsage().maxRSS}\n`));
}
