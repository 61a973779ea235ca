// Whole dump blocks from Kamailio's log: the product's collector (src/kamailio-log/), which the
// testbed's oracle and `kamheap parse-log` share.
export {
  DumpBlockCollector,
  collectDumpBlocks,
  type BlockOrigin,
  type CheckProblem,
  type DumpBlock,
  type DumpFragment,
  type DumpHeader,
  type HeapTotals,
  type StatusBlock,
  type SumsBlock,
  type SumsEntry,
} from '../src/kamailio-log/dump-blocks.js';
