/**
 * The worker's V8 heaps held to its sizing (src/worker/worker-sizing.ts). The start command passes
 * the flags on node's command line; a worker started without them (`node dist/src/worker.js`) sets
 * them before its workflow thread starts, which bounds that thread's heap but not the main one's,
 * and says so.
 */
import v8 from 'node:v8';
import { heapFlags, type WorkerSizing } from './worker-sizing';

const MiB = 1024 ** 2;

/** Returns a warning when the main thread's heap is not bounded by the sizing; undefined when it is. */
export function holdHeapsToSizing(sizing: WorkerSizing): string | undefined {
  const flags = heapFlags(sizing);
  // heap_size_limit adds the young generation and code space to --max-old-space-size.
  const limitMiB = v8.getHeapStatistics().heap_size_limit / MiB;
  if (limitMiB <= sizing.heapMiB + 8 * sizing.semiSpaceMiB) return undefined;
  for (const flag of flags) v8.setFlagsFromString(flag);
  return (
    `the main thread's heap may grow to ${Math.round(limitMiB)} MiB, past the worker's memory budget of ${sizing.budgetMiB} MiB: ` +
    `start it as node ${flags.join(' ')} dist/src/worker.js (docs/deployment.md, "Memory")`
  );
}
