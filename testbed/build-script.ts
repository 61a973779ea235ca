// The cached builds' scripts (scripts/build-*.sh) share one protocol: progress on stderr, the last
// stdout line is what they made (a path). Cached, they answer in milliseconds; cold, in minutes.
import { execa } from 'execa';
import { testbedAsset } from './assets.js';

/** First builds take minutes (2 cores: about 1 min per flavor, plus apt on a fresh machine). */
const BUILD_TIMEOUT_MS = 45 * 60_000;

/** Runs scripts/SCRIPT with ARGS, its progress on our stderr, and returns its last stdout line. */
export async function runBuildScript(what: string, script: string, args: readonly string[]): Promise<string> {
  process.stderr.write(`kamheap testbed: ${what} (from cache, or made now: minutes)\n`);
  const result = await execa('bash', [testbedAsset(`../scripts/${script}`), ...args], {
    stdin: 'ignore',
    stderr: 'inherit',
    timeout: BUILD_TIMEOUT_MS,
    killSignal: 'SIGTERM',
  });
  return result.stdout.trim().split('\n').pop() ?? '';
}
