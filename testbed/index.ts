// The testbed's public surface: a real Kamailio on loopback, SIP load, and Kamailio's own dumps.
export {
  startKamailio,
  stopAllKamailio,
  processState,
  type Allocator,
  type KamailioInstance,
  type KamailioProcess,
  type StartOptions,
} from './kamailio-instance.js';
export {
  kamailioBuild,
  installedBuild,
  pathInRoot,
  BUILD_NAMES,
  DEBIAN_BUILD,
  type BuildName,
  type BuildPaths,
  type KamailioBuild,
  type SourceFlavor,
} from './kamailio-build.js';
export { runSipp, fillShm, type SippRun, type SippScenario, type FillRun } from './load.js';
export {
  dumpShm,
  dumpPkg,
  shmSummary,
  type HeapDump,
  type PkgDump,
  type OracleOptions,
  type DumpFragment,
  type HeapTotals,
  type SumsEntry,
} from './oracle.js';
export { groupPids } from './process-tree.js';
export { hostPidOf, namespacedPids, type NamespacedPid, type PidNamespaceOptions } from './pid-namespace.js';
export { sendWake } from './sip-wake.js';
export * from './errors.js';
