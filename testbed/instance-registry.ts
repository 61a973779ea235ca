// Every Kamailio the testbed started, so none outlives the Node process: `stopAllKamailio()` for
// afterAll hooks, and an immediate SIGKILL of each instance's process group on exit or signal.

/** What the registry needs from an instance. */
export interface RegisteredInstance {
  stop(): Promise<void>;
  /** Synchronous last resort: SIGKILL the whole process group, remove its files. */
  killNow(): void;
}

const live = new Set<RegisteredInstance>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let hooksInstalled = false;

// Kills everything still registered; used where async work cannot run (exit, fatal signal).
function killAllNow(): void {
  for (const instance of live) {
    try {
      instance.killNow();
    } catch {
      // best effort: keep killing the others
    }
  }
  live.clear();
}

// On a fatal signal: kill, then re-raise with the default action unless someone else handles it.
function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  uninstallHooks();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

// Hooks exist only while some instance is alive, so an idle process keeps Node's defaults.
function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

// Gives the signals back to Node's default handling.
function uninstallHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off('exit', killAllNow);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Tracks a started instance until it is unregistered by its own stop(). */
export function registerInstance(instance: RegisteredInstance): void {
  live.add(instance);
  installHooks();
}

/** Forgets a stopped instance; the hooks go away with the last one. */
export function unregisterInstance(instance: RegisteredInstance): void {
  live.delete(instance);
  if (live.size === 0) uninstallHooks();
}

/** Stops every instance still running (for afterAll); rethrows the first failure. */
export async function stopAllKamailio(): Promise<void> {
  const results = await Promise.allSettled([...live].map((instance) => instance.stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
