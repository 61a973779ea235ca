// Where a process's executable is mapped: link-time symbol addresses (what gdb gives before any
// attach) plus this bias are the addresses in the running process.
import { closeSync, openSync, readFileSync, readSync, readlinkSync } from 'node:fs';
import { KamheapError } from '../errors.js';

const elfTypeDyn = 3;

/** The executable's ELF type (e_type): 2 for a fixed-address executable, 3 for PIE. */
function elfType(pid: number): number {
  const fd = openSync(`/proc/${pid}/exe`, 'r');
  try {
    const header = Buffer.alloc(18);
    readSync(fd, header, 0, 18, 0);
    return header.readUInt16LE(16);
  } finally {
    closeSync(fd);
  }
}

/** Where the executable's link-time address 0 is mapped in the process (0 for a non-PIE binary). */
export function loadBias(pid: number): bigint {
  if (elfType(pid) !== elfTypeDyn) return 0n;
  const exe = readlinkSync(`/proc/${pid}/exe`);
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const [range, , offset, , , path] = line.split(/\s+/);
    if (path === exe && offset !== undefined && /^0+$/.test(offset) && range) return BigInt(`0x${range.split('-')[0] ?? '0'}`);
  }
  throw new KamheapError('heap-not-found', `cannot find where the executable of PID ${pid} is mapped`);
}
