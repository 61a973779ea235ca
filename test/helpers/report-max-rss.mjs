// Preloaded into a CLI run (`node --import <this> bin/kamheap.js ...`): on exit, writes the
// process's peak resident set size in KiB to the file named by KAMHEAP_TEST_MAXRSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.KAMHEAP_TEST_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
