// Who would adopt what kamheap leaves behind: kamheap-init is recognised only as an ancestor
// named kamheap-init (a built docker/kamheap-init.c), never from the variable alone; on a machine
// whose PID 1 is not Kamailio nothing is refused. (Needs dist/: npm test builds it.) The namespace where Kamailio is PID 1 is tested
// for real in test/integration/pid-namespace.integration.test.ts.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapRootSymbols } from '../../src/locate/heap-roots.js';
import { assertKamailioAdoptsNothing, belowKamheapInit, kamailioPkgRoots, runsKamailio } from '../../src/proc/orphan-adopter.js';
import { buildKamheapInit } from '../helpers/kamheap-init.js';
import { repoRoot } from '../helpers/run-cli.js';

let dir: string;
let init: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kamheap-init-test-'));
  init = buildKamheapInit(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `node -e SCRIPT` with the module loaded, under `prefix` (kamheap-init, or nothing). */
async function underInit(prefix: readonly string[], script: string, env: Record<string, string> = {}): Promise<string> {
  const module = `${repoRoot}dist/src/proc/orphan-adopter.js`;
  const code = `import(${JSON.stringify(module)}).then((m) => { ${script} })`;
  const [file, ...args] = [...prefix, process.execPath, '--input-type=module', '-e', code];
  const result = await execa(file ?? '', args, { env, reject: false });
  return `${result.exitCode} ${String(result.stdout).trim()}`;
}

describe('orphan-adopter', () => {
  it("names the pkg roots walk looks for by itself, so a Kamailio is told the same way everywhere", () => {
    expect([...kamailioPkgRoots]).toEqual(heapRootSymbols.filter((e) => e.kind === 'pkg' && e.automatic).map((e) => e.symbol));
  });

  it('refuses nothing where PID 1 is not Kamailio (this machine)', () => {
    expect(runsKamailio(1)).toBe(false);
    expect(() => assertKamailioAdoptsNothing({})).not.toThrow();
  });

  it('kamheap-init: a real ancestor, named in KAMHEAP_INIT', async () => {
    expect(belowKamheapInit({})).toBe(false);
    // This test process is no child of a kamheap-init: a variable naming one proves nothing.
    const sleeper = execa(init, ['sleep', '30'], { reject: false, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(belowKamheapInit({ KAMHEAP_INIT: String(sleeper.pid) })).toBe(false);
      expect(belowKamheapInit({ KAMHEAP_INIT: String(process.pid) })).toBe(false);
    } finally {
      // Passed on to sleep: kamheap-init then ends with it, leaving nothing.
      sleeper.kill('SIGTERM');
      await sleeper;
    }
  });
});

describe('kamheap-init', () => {
  it('sets KAMHEAP_INIT to itself, which its descendants recognise', async () => {
    expect(await underInit([init], 'console.log(m.belowKamheapInit())')).toBe('0 true');
    expect(await underInit(['sh', '-c', '"$@"', 'sh', init, 'sh', '-c', '"$@"', 'sh'], 'console.log(m.belowKamheapInit())')).toBe('0 true');
    expect(await underInit([], 'console.log(m.belowKamheapInit())', { KAMHEAP_INIT: '1' })).toBe('0 false');
  });

  it("exits with its child's status, only once every process below it is gone", async () => {
    const started = performance.now();
    const result = await execa(init, ['sh', '-c', '(sleep 0.5; echo orphan) & exit 3'], { reject: false });
    expect(result.exitCode).toBe(3);
    expect(String(result.stdout)).toBe('orphan');
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    const killed = await execa(init, ['sh', '-c', 'kill -9 $$'], { reject: false });
    expect(killed.exitCode).toBe(128 + 9);
  });

  it('passes SIGTERM on to its child', async () => {
    const run = execa(init, ['sh', '-c', 'sleep 30 & trap "kill $!; echo got TERM; exit 5" TERM; wait'], { reject: false });
    await new Promise((r) => setTimeout(r, 300));
    run.kill('SIGTERM');
    const result = await run;
    expect({ exitCode: result.exitCode, stdout: String(result.stdout) }).toEqual({ exitCode: 5, stdout: 'got TERM' });
  });
});
