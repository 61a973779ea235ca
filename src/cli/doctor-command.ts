// `kamheap doctor [<pid>]`: the wiki's memory checklist as a command.
import { Command } from 'commander';
import { runCheck, type CheckResult } from '../doctor/check.js';
import { checkDebugFields, checkHeadroom, checkMemJoin, readBuildInfo, resolveInstanceSymbols } from '../doctor/kamailio-checks.js';
import { checkGdb, checkOsMemory, checkPtrace } from '../doctor/system-checks.js';
import { renderDoctorReport } from '../export/doctor-report.js';
import { inspectProcess } from '../proc/process.js';
import { parsePid } from './options.js';

/** Builds the command. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check this machine and, with a PID, that Kamailio instance: debug fields, headroom, mem_join, attach rights, OS memory')
    .argument('[pid]', 'any process of a Kamailio instance')
    .option('--json', 'print the checks as JSON')
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .action(async (pidText: string | undefined, raw: { json?: boolean; gdb: string }) => {
      const checks = await collectChecks(pidText === undefined ? undefined : parsePid(pidText), raw.gdb);
      process.stdout.write(raw.json ? `${JSON.stringify({ schema: 'kamheap.doctor/1', checks }, null, 2)}\n` : renderDoctorReport(checks));
    });
}

/** Runs every check; a check that throws becomes a FAIL line, the others still run. */
export async function collectChecks(pid: number | undefined, gdbPath: string): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  checks.push(...(await runCheck('gdb', () => checkGdb(gdbPath))));
  checks.push(...(await runCheck('ptrace', checkPtrace)));
  if (pid !== undefined) {
    const info = inspectProcess(pid);
    const executable = info.executable;
    if (executable) {
      const build = await readBuildInfo(executable);
      checks.push(...(await runCheck('debug fields', () => checkDebugFields(build))));
      const symbols = await resolveInstanceSymbols(pid, gdbPath);
      checks.push(...(await runCheck('headroom', () => checkHeadroom(pid, symbols))));
      checks.push(...(await runCheck('mem_join', () => checkMemJoin(pid, symbols, build))));
    }
  }
  checks.push(...(await runCheck('OS memory', checkOsMemory)));
  return checks;
}
