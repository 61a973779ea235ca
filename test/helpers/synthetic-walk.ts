// Walk-script output of any size, in the shape gdb-scripts/walk-fragments.gdb prints it (q_malloc,
// 56-byte headers, 16-byte trailers), for tests that need more text than the captured walks hold.

export interface SyntheticWalk {
  text: string;
  fragments: number;
}

/** `count` used fragments of 64 bytes (every 10th free), a valid walk from KH_BEGIN to KH_END. */
export function syntheticWalk(count: number, options: { after?: string } = {}): SyntheticWalk {
  const first = 0x7f0000100000n;
  const step = 56n + 64n + 16n;
  const end = first + step * BigInt(count) - 16n;
  const hex = (n: bigint): string => n.toString(16);
  const lines = [
    '0x00007f7d34dacdd0 in __libc_pause () at ../sysdeps/unix/sysv/linux/pause.c:29',
    'KH_BEGIN format=1 pid=4242 kind=shm layout=q_malloc/dbg/x86_64 source=profile header=56 user=56 debug=1 from=0 to=2147483647 root=_shm_root',
    `KH_HEAP mname=q_malloc block=${hex(first - 0x1000n)} size=${step * BigInt(count)} used=${64 * count} real_used=${136 * count} max_real_used=${136 * count} first=${hex(first)} end=${hex(end)}`,
  ];
  for (let i = 0; i < count; i++) {
    const free = i % 10 === 9 ? 1 : 0;
    lines.push(`KH_F ${i} ${hex(first + step * BigInt(i))} 64 ${free} ${100 + (i % 50)}\tsynth: synth_file_${i % 50}.c\tsynth_alloc_${i % 50}\tsynth`);
  }
  lines.push(`KH_END walked=${count} at=${hex(end + 16n)} ok=1`);
  lines.push('[Inferior 1 (process 4242) detached]');
  return { text: `${lines.join('\n')}\n${options.after ?? ''}`, fragments: count };
}
