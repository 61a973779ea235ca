// PIDs of an instance in its own PID namespace, as the text reports show them: the PID kamheap
// uses (the host's), the namespace's beside it; reports of a host instance unchanged.
import { describe, expect, it } from 'vitest';
import { renderInfo } from '../../src/cli/info-command.js';
import { renderInstanceReport } from '../../src/export/instance-report.js';
import { pidLabel } from '../../src/export/pid-label.js';
import { renderProcessList } from '../../src/export/process-list.js';
import type { InstanceInfo } from '../../src/locate/instance-info.js';
import type { ProcessRow } from '../../src/locate/instance-processes.js';
import { textView } from '../helpers/text-view.js';

const pkg = { allocator: 'q_malloc', size: 8388608, used: 700000, realUsed: 832232, maxRealUsed: 835264, free: 7556376 };
const rows = (namespaced: boolean): ProcessRow[] =>
  [
    [24564, 1, 'main process - attendant'],
    [24577, 30001, 'udp receiver child=0 sock=127.0.0.1:5977'],
  ].map(([pid, nsPid, role], index) => ({ index, pid: Number(pid), ...(namespaced ? { nsPid: Number(nsPid) } : {}), rank: index, role: String(role), pkg }));

describe('pidLabel', () => {
  it.each([
    [{ pid: 4711 }, '4711'],
    [{ pid: 4711, nsPid: 7 }, '4711 (ns 7)'],
  ])('%j', (p, label) => expect(pidLabel(p)).toBe(label));
});

describe('ps', () => {
  it('shows the namespace PIDs beside the host PIDs', () => {
    expect(renderProcessList({ schema: 'kamheap.ps/1', pid: 24564, tableLayout: 'pt/5.3-6.0/tcp', processes: rows(true) })).toBe(
      [
        'Kamailio instance of PID 24564: 2 processes, in a PID namespace of its own (its PIDs there in parentheses)',
        'entry              pid rank       used       free  real_used total_size  desc',
        '    0     24564 (ns 1)    0    684 KiB   7.21 MiB    813 KiB   8.00 MiB  main process - attendant',
        '    1 24577 (ns 30001)    1    684 KiB   7.21 MiB    813 KiB   8.00 MiB  udp receiver child=0 sock=127.0.0.1:5977',
        '',
      ].join('\n'),
    );
  });

  it('is unchanged for an instance of kamheap\'s own namespace', () => {
    expect(renderProcessList({ schema: 'kamheap.ps/1', pid: 24564, tableLayout: 'pt/5.3-6.0/tcp', processes: rows(false) }).split('\n').slice(0, 3)).toEqual([
      'Kamailio instance of PID 24564: 2 processes',
      'entry     pid rank       used       free  real_used total_size  desc',
      '    0   24564    0    684 KiB   7.21 MiB    813 KiB   8.00 MiB  main process - attendant',
    ]);
  });
});

describe('walk --all', () => {
  it('shows the namespace PIDs beside the host PIDs', () => {
    const sections = rows(true).map(({ pkg: _pkg, rank: _rank, ...p }) => ({ ...p, error: 'PID exited' }));
    const text = renderInstanceReport(sections, { processes: 0, size: 0, realUsed: 0, free: 0, used: { count: 0, bytes: 0 }, sites: [] }, textView(1));
    expect(text).toContain('pkg heaps of 2 processes (own PID namespace: its PIDs in parentheses):');
    expect(text).toContain('  1 24577 (ns 30001)         ?    ?     ?  udp receiver child…:5977 (PID exited)');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });
});

describe('info', () => {
  const info: InstanceInfo = {
    schema: 'kamheap.info/1',
    pid: 24577,
    nsPid: 30001,
    executable: '/usr/sbin/kamailio',
    version: 'kamailio 5.6.3 (x86_64/linux)',
    compileFlags: ['USE_TCP'],
    role: 'timer',
    processIndex: 4,
    processCount: 7,
    heaps: [],
  };
  it('shows the namespace PID beside the host PID', () => {
    expect(renderInfo(info).split('\n')[0]).toBe('PID 24577 (ns 30001): kamailio 5.6.3 (x86_64/linux), /usr/sbin/kamailio, "timer" (process 4 of 7)');
  });
  it('says why the role is unknown when the table was refused', () => {
    const refused: InstanceInfo = { ...info, role: null, processIndex: null, processCount: null, processTableError: 'unknown process table layout for kamailio 6.1.0' };
    delete refused.nsPid;
    expect(renderInfo(refused).split('\n')[0]).toBe('PID 24577: kamailio 5.6.3 (x86_64/linux), /usr/sbin/kamailio, role unknown (unknown process table layout for kamailio 6.1.0)');
  });
});
