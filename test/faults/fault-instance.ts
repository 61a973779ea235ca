// The Kamailio the trials run against: 2 receivers, 64 MB shm filled so a script walk of shm
// takes seconds, and a fresh one whenever a trial ended or damaged it.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { fillShm, startKamailio, type KamailioInstance, type KamailioProcess } from '../../testbed/index.js';
import type { TargetRole } from './trial-plan.js';

/** htable cells added after the start: ~5,000 shm fragments, a script walk of shm of ~4 s. */
export const FILL_CELLS = 5_000;

const ROLE_PATTERNS: Readonly<Record<TargetRole, RegExp>> = {
  'receiver-0': /^udp receiver child=0\b/,
  'receiver-1': /^udp receiver child=1\b/,
  timer: /^timer$/,
  'slow-timer': /^slow timer$/,
  ctl: /^ctl handler$/,
  main: /^main process/,
};

export class FaultInstance {
  /** How many instances were started (1 + restarts). */
  starts = 0;
  private current: { kamailio: KamailioInstance; processes: KamailioProcess[] } | undefined;

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  /** Starts the first instance. */
  async start(): Promise<void> {
    this.starts += 1;
    const kamailio = await startKamailio({ children: 2, shmMb: 64 });
    try {
      await fillShm(kamailio, { cells: FILL_CELLS });
      this.current = { kamailio, processes: await kamailio.processes() };
    } catch (error) {
      await kamailio.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Stops this instance (whatever state it is in) and starts a fresh one. */
  async restart(why: string): Promise<void> {
    this.log(`restarting Kamailio (${why})`);
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.kamailio.stop();
  }

  get kamailio(): KamailioInstance {
    if (!this.current) throw new Error('no Kamailio running');
    return this.current.kamailio;
  }

  /** The process table read when this instance started. */
  get processes(): readonly KamailioProcess[] {
    if (!this.current) throw new Error('no Kamailio running');
    return this.current.processes;
  }

  pidOf(role: TargetRole): number {
    const found = this.processes.find((p) => ROLE_PATTERNS[role].test(p.description));
    if (!found) throw new Error(`no ${role} process in core.psx: ${this.processes.map((p) => p.description).join('; ')}`);
    return found.pid;
  }

  /** Where the log ends now: the trial's own lines come after it. */
  logOffset(): number {
    return statSync(this.kamailio.logFile).size;
  }

  /** Log lines written since `offset`. */
  logSince(offset: number): string[] {
    const fd = openSync(this.kamailio.logFile, 'r');
    try {
      const length = Math.max(0, fstatSync(fd).size - offset);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, offset);
      return buffer.toString('utf8').split('\n').filter(Boolean);
    } finally {
      closeSync(fd);
    }
  }
}
