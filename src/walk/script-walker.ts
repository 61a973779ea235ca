// The script walker: fill the GDB walk script for the located heap, run it inside the attached
// session over MI, and parse the lines it prints as they stream in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GdbCommandError } from '../errors.js';
import { withAttachedTarget } from '../gdb/attached-target.js';
import { sendInterpreterExecConsole } from '../gdb/commands.js';
import { inspectProcess } from '../locate/process.js';
import { openProcMem } from '../memory/proc-mem.js';
import type { WalkOutput } from '../snapshot/walk-output.js';
import { ScriptOutputParser } from './parse-script-output.js';
import { renderWalkScript } from './script-template.js';
import { locateHeap, prepareAttach, type WalkRequest } from './walk-request.js';

/** Walks the requested heap by running the generated GDB script in the target. */
export async function scriptWalk(request: WalkRequest): Promise<WalkOutput> {
  const started = performance.now();
  const process = inspectProcess(request.pid);
  const memory = openProcMem(request.pid);
  // mkdtemp names are [A-Za-z0-9/_.-] only, so the `source` command below carries no user text.
  const dir = mkdtempSync(join(tmpdir(), 'kamheap-'));
  const parser = new ScriptOutputParser();
  try {
    const prepared = prepareAttach(request);
    const { pauseMs } = await withAttachedTarget(prepared.options, async (target) => {
      const { layout, root } = await locateHeap(memory, request.pid, prepared);
      const script = renderWalkScript({
        pid: request.pid,
        kind: request.kind,
        root,
        layout,
        from: request.range.from,
        to: request.range.to,
        executable: process.executable,
      });
      const file = join(dir, 'walk.gdb');
      writeFileSync(file, script, { mode: 0o600 });
      let pending = '';
      let lastReport = 0;
      const run = sendInterpreterExecConsole(
        target.gdb,
        `source ${file}`,
        (text) => {
          pending += text;
          let newline = pending.indexOf('\n');
          while (newline >= 0) {
            parser.line(pending.slice(0, newline));
            pending = pending.slice(newline + 1);
            newline = pending.indexOf('\n');
          }
          if (request.onProgress && parser.fragmentCount - lastReport >= 500) {
            lastReport = parser.fragmentCount;
            request.onProgress(lastReport);
          }
        },
        undefined,
      );
      try {
        await run;
      } catch (error) {
        // gdb stopped the script (e.g. a pointer it could not read): keep what was walked.
        if (!(error instanceof GdbCommandError)) throw error;
        parser.scriptFailed(error.message);
      }
      if (pending) parser.line(pending);
    });
    return parser.finish({ executable: process.executable, pauseMs, durationMs: performance.now() - started });
  } finally {
    memory.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
