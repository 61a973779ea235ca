// `kamheap doctor [<pid>]`: the wiki's memory checklist as a command.
import { Command } from 'commander';
import { runCheck, type CheckResult } from '../doctor/check.js';
import { checkDebugFields, checkHeadroom, checkMemJoin } from '../doctor/kamailio-checks.js';
import { readInstanceFacts } from '../locate/instance-facts.js';
import { checkGdb, checkOsMemory, checkPtrace } from '../doctor/system-checks.js';
import { notCheckedForRights, probeTarget, type TargetAccess } from '../doctor/target-access.js';
import { renderDoctorReport } from '../export/doctor-report.js';
import { jsonDocument } from '../export/write-data.js';
import { parsePid } from './options.js';
import { addOutputOptions, parseOutputOptions, textOrJson, writeChosenOutput, type RawOutputOptions } from './output-options.js';

/** The instance checks that read the target's memory, in report order. */
const memoryChecks = ['shm headroom', 'pkg headroom', 'mem_join'];

/** Builds the command. */
export function doctorCommand(): Command {
  const command = new Command('doctor')
    .description('check this machine and, with a PID, that Kamailio instance: debug fields, headroom, mem_join, attach rights, OS memory')
    .argument('[pid]', 'any process of a Kamailio instance')
    .option('--gdb <path>', 'gdb executable to use', 'gdb')
    .addHelpText('after', '\nExit code 0 whenever the checklist is printed, FAIL lines included; 3 when the PID does not exist.');
  return addOutputOptions(command, textOrJson, 'flag')
    .action(async (pidText: string | undefined, raw: RawOutputOptions & { gdb: string }) => {
      const output = parseOutputOptions(raw, textOrJson, 'flag');
      const checks = await collectChecks(pidText === undefined ? undefined : parsePid(pidText), raw.gdb);
      await writeChosenOutput(output, { text: () => renderDoctorReport(checks), json: () => jsonDocument({ schema: 'kamheap.doctor/1', checks }) });
    });
}

/**
 * Runs every check; a check that throws, or cannot run for lack of rights, becomes a FAIL line and
 * the others still run. A PID that does not exist is the one error before the checklist.
 */
export async function collectChecks(pid: number | undefined, gdbPath: string): Promise<CheckResult[]> {
  const target = pid === undefined ? undefined : probeTarget(pid);
  const checks: CheckResult[] = [];
  checks.push(...(await runCheck('gdb', () => checkGdb(gdbPath))));
  checks.push(...(await runCheck('ptrace', () => checkPtrace(target))));
  if (target) checks.push(...(await instanceChecks(target, gdbPath)));
  checks.push(...(await runCheck('OS memory', checkOsMemory)));
  return checks;
}

/** Debug fields, headroom and mem_join of the instance; what this user may not read is a line saying so. */
async function instanceChecks(target: TargetAccess, gdbPath: string): Promise<CheckResult[]> {
  const { pid, executable } = target;
  if (executable === null) {
    const missing = target.memoryReadable ? 'executable' : 'memory';
    return [notCheckedForRights('debug fields', target, 'executable'), ...memoryChecks.map((name) => notCheckedForRights(name, target, missing))];
  }
  // Symbols and release from the executable through gdb: nothing of the target's is run.
  const facts = await readInstanceFacts(pid, gdbPath);
  const { release } = facts.knowledge;
  const checks = await runCheck('debug fields', () => checkDebugFields(release));
  if (!target.memoryReadable) return [...checks, ...memoryChecks.map((name) => notCheckedForRights(name, target, 'memory'))];
  checks.push(...(await runCheck('headroom', () => checkHeadroom(pid, facts))));
  checks.push(...(await runCheck('mem_join', () => checkMemJoin(pid, facts.symbols, release))));
  return checks;
}
