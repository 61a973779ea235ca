// When a process started, as a time a person reads and as the kernel's exact count: /proc/PID/stat
// gives clock ticks since boot (field 22), /proc/stat the boot time in seconds. The ticks with the
// PID name one process exactly (two snapshots of it match); the ISO time is to the second at best.
import { readFileSync } from 'node:fs';

/** A process's start: ISO 8601 UTC, and the clock ticks since boot it was computed from. */
export interface ProcessStart {
  at: string;
  ticks: number;
}

/** What turns ticks into a time: the boot time and the kernel's clock ticks per second (USER_HZ). */
export interface BootClock {
  bootSeconds: number;
  ticksPerSecond: number;
}

/** USER_HZ on every Linux architecture kamheap runs on; used when the auxiliary vector does not say. */
const defaultTicksPerSecond = 100;
/** The auxiliary vector's AT_CLKTCK entry: what sysconf(_SC_CLK_TCK) answers. */
const atClockTick = 17n;

let cached: BootClock | undefined;

/** The start of a process from its starttime ticks. */
export function processStart(ticks: number, clock: BootClock = bootClock()): ProcessStart {
  return { at: new Date(clock.bootSeconds * 1000 + Math.round((ticks * 1000) / clock.ticksPerSecond)).toISOString(), ticks };
}

/** This machine's clock, read once (the boot time does not change while kamheap runs). */
export function bootClock(): BootClock {
  cached ??= {
    bootSeconds: parseBootSeconds(readFileSync('/proc/stat', 'utf8')),
    ticksPerSecond: parseClockTicks(readFileSync('/proc/self/auxv')) ?? defaultTicksPerSecond,
  };
  return cached;
}

/** `btime` of /proc/stat: the boot time in seconds since the epoch. */
export function parseBootSeconds(procStat: string): number {
  const m = /^btime (\d+)$/m.exec(procStat);
  if (!m) throw new Error('/proc/stat has no btime line');
  return Number(m[1]);
}

/** AT_CLKTCK of a 64-bit auxiliary vector (pairs of little-endian u64: type, value); undefined when absent. */
export function parseClockTicks(auxv: Buffer): number | undefined {
  for (let at = 0; at + 16 <= auxv.length; at += 16) {
    const type = auxv.readBigUInt64LE(at);
    if (type === 0n) return undefined;
    if (type === atClockTick) {
      const value = Number(auxv.readBigUInt64LE(at + 8));
      return value > 0 ? value : undefined;
    }
  }
  return undefined;
}
