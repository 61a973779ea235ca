// The demo behind scripts/demo.sh: a real Kamailio on loopback, real SIP load, and kamheap run
// exactly as a user would run it. Kamailio is stopped at the end, whatever happens.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { fillShm, runSipp, startKamailio, stopAllKamailio } from '../testbed/index.js';

const kamheap = fileURLToPath(new URL('../../bin/kamheap.js', import.meta.url));

/** Prints a command, then runs it with the terminal attached. */
async function show(args: string[]): Promise<void> {
  process.stderr.write(`\n$ kamheap ${args.join(' ')}\n`);
  await execa(process.execPath, [kamheap, ...args], { stdio: 'inherit', reject: false });
}

/** Starts, loads, walks, stops. */
async function demo(): Promise<void> {
  process.stderr.write('starting a demo Kamailio on 127.0.0.1 (testbed/kamailio.cfg)...\n');
  const kamailio = await startKamailio({ children: 2 });
  try {
    process.stderr.write(`Kamailio main PID ${kamailio.pid}, UDP port ${kamailio.port}; loading it with sipp...\n`);
    await runSipp(kamailio, { scenario: 'register', calls: 500, rate: 250 });
    await runSipp(kamailio, { scenario: 'message', calls: 200, rate: 200 });
    await fillShm(kamailio, { cells: 5000 });
    const receiver = (await kamailio.processes()).find((p) => p.description.startsWith('udp receiver'));
    await show(['walk', String(kamailio.pid), '--heap', 'shm', '--top', '15']);
    if (receiver) await show(['walk', String(receiver.pid), '--heap', 'pkg', '--top', '10']);
    await show(['walk', String(kamailio.pid), '--heap', 'shm', '--from', '2000', '--to', '10000', '--top', '5', '--walker', 'script']);
  } finally {
    await stopAllKamailio();
    process.stderr.write('\ndemo Kamailio stopped.\n');
  }
}

demo().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
