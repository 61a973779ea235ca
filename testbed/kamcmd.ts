// kamcmd over a ctl unix socket, bounded in time.
import { execa, ExecaError } from 'execa';
import { KamcmdError } from './errors.js';

export const KAMCMD = process.env.KAMHEAP_KAMCMD ?? 'kamcmd';

// kamcmd exits 0 on an RPC fault and prints it on stdout, e.g. "error: 500 - command x not found".
const RPC_FAULT = /^error: (-?\d+) - (.*)$/m;

/** Runs one RPC command and returns its stdout; throws KamcmdError on failure or timeout. */
export async function runKamcmd(
  ctlSocket: string,
  args: readonly string[],
  timeoutMs = 10_000,
  kamcmd = KAMCMD,
): Promise<string> {
  let stdout: string;
  try {
    const result = await execa(kamcmd, ['-s', `unix:${ctlSocket}`, ...args], {
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      stdin: 'ignore',
    });
    stdout = result.stdout;
  } catch (error) {
    if (error instanceof ExecaError) {
      const detail = error.timedOut
        ? `timed out after ${timeoutMs} ms`
        : `exit ${String(error.exitCode)}: ${String(error.stderr ?? '').trim() || error.shortMessage}`;
      throw new KamcmdError(args, detail, { cause: error });
    }
    throw error;
  }
  const fault = RPC_FAULT.exec(stdout);
  if (fault !== null && stdout.startsWith('error:')) {
    throw new KamcmdError(args, `RPC fault ${fault[1]}: ${fault[2]}`);
  }
  return stdout;
}

export interface KamailioProcess {
  pid: number;
  index: number;
  description: string;
}

/** Parses `kamcmd core.psx`: blocks of "IDX: n", "PID: n", "DSC: text". */
export function parsePsx(stdout: string): KamailioProcess[] {
  const processes: KamailioProcess[] = [];
  const block = /IDX:\s*(\d+)\s*\n\s*PID:\s*(\d+)\s*\n\s*DSC:\s*(.*)/g;
  for (const match of stdout.matchAll(block)) {
    processes.push({
      index: Number(match[1]),
      pid: Number(match[2]),
      description: (match[3] ?? '').trim(),
    });
  }
  return processes;
}
