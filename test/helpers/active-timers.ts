// How many timers keep this process alive: a test that something left no timer behind counts them
// before and after. process.getActiveResourcesInfo() is in Node 17.3 and later (experimental in
// 18, where @types/node 18 does not declare it).

/** Node's count of active 'Timeout' resources. */
export function activeTimers(): number {
  const info = (process as NodeJS.Process & { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo();
  return info.filter((r) => r === 'Timeout').length;
}
