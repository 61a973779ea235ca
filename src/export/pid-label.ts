// How a PID is shown when the instance has a PID namespace of its own: the PID kamheap uses (the
// host's), and beside it the one Kamailio knows itself by, e.g. "4711 (ns 7)".

/** "4711", or "4711 (ns 7)" for a process whose own namespace calls it 7. */
export function pidLabel(p: { pid: number; nsPid?: number | undefined }): string {
  return p.nsPid === undefined ? String(p.pid) : `${p.pid} (ns ${p.nsPid})`;
}
