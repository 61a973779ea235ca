// `kamheap ps` as text: kamcmd pkg.stats's column names, core.shmmem's for the shm line, sizes
// human by default and raw with --bytes. Numbers from a live Debian 5.6.3 instance's pkg.stats/core.shmmem.
import { describe, expect, it } from 'vitest';
import { renderProcessList } from '../../src/export/process-list.js';
import type { ProcessList } from '../../src/locate/instance-processes.js';

const list: ProcessList = {
  schema: 'kamheap.ps/1',
  pid: 24034,
  tableLayout: 'pt/5.3-6.0/tcp',
  processes: [
    { index: 0, pid: 24034, rank: 0, role: 'main process - attendant', pkg: { allocator: 'q_malloc', size: 8388608, used: 512424, realUsed: 832232, maxRealUsed: 832232, free: 7556376 } },
    { index: 6, pid: 24053, rank: null, role: 'ctl handler', pkg: null, pkgError: 'PID 24053 exited' },
  ],
  shm: { allocator: 'q_malloc', size: 67108864, used: 3010944, realUsed: 3252336, maxRealUsed: 3252336, free: 63856528 },
};

describe('renderProcessList', () => {
  it('names the columns as kamcmd pkg.stats does, with human sizes and the shm line of core.shmmem', () => {
    expect(renderProcessList(list)).toBe(
      [
        'Kamailio instance of PID 24034: 2 processes',
        'entry     pid rank       used       free  real_used total_size  desc',
        '    0   24034    0    500 KiB   7.21 MiB    813 KiB   8.00 MiB  main process - attendant',
        '    6   24053    -          ?          ?          ?          ?  ctl handler  (PID 24053 exited)',
        'shm: total 64.0 MiB  free 60.9 MiB  used 2.87 MiB  real_used 3.10 MiB  max_used 3.10 MiB',
        '',
      ].join('\n'),
    );
  });

  it('prints raw byte counts with --bytes', () => {
    const lines = renderProcessList(list, 'raw').split('\n');
    expect(lines[2]).toBe('    0   24034    0     512424    7556376     832232    8388608  main process - attendant');
    expect(lines[4]).toBe('shm: total 67108864  free 63856528  used 3010944  real_used 3252336  max_used 3252336');
  });

  it('says why the shm line is missing, and has none for a list of an older kamheap', () => {
    expect(renderProcessList({ ...list, shm: null, shmError: 'no layout' }).split('\n')[4]).toBe('shm: ? (no layout)');
    const { shm: _shm, ...older } = list;
    expect(renderProcessList(older).split('\n')).toHaveLength(5);
  });
});
