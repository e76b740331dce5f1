/**
 * How much the worker process holds at once, derived from one memory budget (docs/deployment.md,
 * "Memory"): the V8 heap of each of its JavaScript threads, the workflows it keeps cached, and
 * the workflow tasks, local activities and provider activities it runs at once. Under a burst
 * (a thousand runs resumed together) the worker runs as many tasks as these allow and queues the
 * rest in Temporal, so its memory follows the budget, not the burst.
 */

const MiB = 1024 ** 2;

/** A sixteenth of the host's memory, but never past this: 500 MB (476.8 MiB) with room for what V8 and glibc round up. */
export const MAX_DEFAULT_BUDGET_MIB = 448;
/** Below this the idle worker itself does not fit (its code, the Temporal core, two V8 isolates). */
export const MIN_BUDGET_MIB = 320;

/**
 * Measured on the idle worker (figure 7 of docs/benchmarks.md): what is not V8's heap (node and
 * the Temporal core's code and allocations, glibc's arenas), and the workflow thread's heap with
 * the workflow bundle loaded and nothing cached.
 */
const OUTSIDE_HEAP_MIB = 160;
const WORKFLOW_THREAD_BASE_MIB = 40;
/** V8's young generation is three semi-spaces; 4 MiB each instead of V8's 16 costs more frequent scavenges, a few ms each. */
const SEMI_SPACE_MIB = 4;
/** JavaScript threads: the main one (activities, the Temporal core's bridge) and the one workflow thread (reuseV8Context). */
const ISOLATES = 2;
/** One cached run in the workflow thread's heap (its state and that of the SDK's state machines), with room to spare. */
const CACHED_RUN_MIB = 0.25;
/** The share of the workflow thread's heap left to cached runs: the rest is for replays and garbage between collections. */
const CACHE_SHARE = 0.6;
/** One run replayed from its history in a workflow task, or one activity in flight, at most. */
const TASK_MIB = 1;

export interface WorkerSizing {
  /** The memory the worker is sized to stay within, in MiB (WES_WORKER_MEMORY). */
  budgetMiB: number;
  /** `--max-old-space-size` of each V8 isolate of the worker, in MiB. */
  heapMiB: number;
  /** `--max-semi-space-size`, in MiB. */
  semiSpaceMiB: number;
  /** maxCachedWorkflows of the run worker. */
  workflowCache: number;
  /** maxConcurrentWorkflowTaskExecutions of the run worker. */
  workflowTasks: number;
  /** maxConcurrentLocalActivityExecutions of the run worker. */
  localActivities: number;
  /** The most activities any one provider's worker runs at once, whatever the provider's own limit. */
  activities: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(value)));

/** WES_WORKER_MEMORY unset: a sixteenth of the host's memory, between MIN_BUDGET_MIB and MAX_DEFAULT_BUDGET_MIB. */
export function defaultBudgetMiB(hostMemoryBytes: number): number {
  return clamp(hostMemoryBytes / MiB / 16, MIN_BUDGET_MIB, MAX_DEFAULT_BUDGET_MIB);
}

/** `workflowCache`: WES_WORKER_CACHE when set, else what the budget gives. */
export function workerSizing(budgetMiB: number, workflowCache?: number): WorkerSizing {
  const heapMiB = Math.floor((budgetMiB - OUTSIDE_HEAP_MIB - ISOLATES * 3 * SEMI_SPACE_MIB) / ISOLATES);
  const forWorkflows = heapMiB - WORKFLOW_THREAD_BASE_MIB;
  const tasks = clamp((forWorkflows * (1 - CACHE_SHARE)) / 4 / TASK_MIB, 2, 40);
  return {
    budgetMiB,
    heapMiB,
    semiSpaceMiB: SEMI_SPACE_MIB,
    workflowCache: workflowCache ?? Math.floor((forWorkflows * CACHE_SHARE) / CACHED_RUN_MIB),
    workflowTasks: tasks,
    localActivities: 2 * tasks,
    activities: clamp((heapMiB * (1 - CACHE_SHARE)) / TASK_MIB, 4, 1000),
  };
}

/** The node flags that hold each of the worker's V8 isolates to the sizing. */
export const heapFlags = (sizing: WorkerSizing): string[] => [
  `--max-old-space-size=${sizing.heapMiB}`,
  `--max-semi-space-size=${sizing.semiSpaceMiB}`,
];
