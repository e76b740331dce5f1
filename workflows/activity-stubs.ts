/**
 * The activities the run and task workflows call, with their options. Each one heartbeats (20 s
 * timeout), is local, or, for the read-model write handed to the server after its local attempts
 * (`thenByTheServer`), is short with a 10 s start-to-close timeout: so a dead worker or a completion
 * lost with the Temporal server is retried within about 20 s (docs/design.md, "Recovery"). Each
 * call states how it is cancelled.
 */
import {
  ActivityCancellationType,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { RunProjection, TaskRow } from '../domain/run-rows';
import type { ReadModelActivities, RunActivities, TaskActivities } from './activity-interfaces';
import type { ProviderRetry } from '../domain/run-types';
import { patchedBeforeV5 } from './versioning';

const DEFAULT_PROVIDER_RETRY: ProviderRetry = { initialInterval: '1s', maximumInterval: '1m', maximumAttempts: 10 };
const HEARTBEAT_TIMEOUT = '20 seconds';
/** Never give up: used where the failure is ours or temporary and the run must not end of it. */
const FOREVER: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' };

/** The provider's activities on `taskQueue`: the provider's own queue, or the host's that launched the run. */
export function providerActivities(taskQueue: string | undefined, retry: Partial<ProviderRetry> = {}) {
  const proxy = (options: ActivityOptions) =>
    proxyActivities<RunActivities>({
      retry: { ...DEFAULT_PROVIDER_RETRY, ...retry, backoffCoefficient: 2 },
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
      ...(taskQueue ? { taskQueue } : {}),
      ...options,
    });
  // Before submission a cancel stops the work at once; the activity itself never abandons a submit.
  const starting = proxy({ startToCloseTimeout: '1 day', cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });
  // Waiting is only reading, and provider outages are handled inside: retried until the run ends.
  const waiting = proxy({ startToCloseTimeout: '366 days', retry: FOREVER, cancellationType: ActivityCancellationType.TRY_CANCEL });
  // Calls that change the provider's run are never abandoned half-way.
  const changing = proxy({ startToCloseTimeout: '10 minutes', cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });
  return {
    startRun: starting.startRun,
    submitRun: starting.submitRun,
    awaitRunChange: waiting.awaitRunChange,
    cancelRun: changing.cancelRun,
    resumeRun: changing.resumeRun,
    cleanupRun: changing.cleanupRun,
  };
}
export type ProviderActivities = ReturnType<typeof providerActivities>;

/** Quick and answered by the worker that runs the workflow: no round trip through the server. */
export const { selectProvider } = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/**
 * Read-model writes never give up: a database outage delays the projection, not the run. Runs
 * started before PROJECTIONS_OUTLAST_OUTAGES retry them as local activities only: a local activity
 * holds its workflow task open while it retries, so past a second the backoff becomes a workflow
 * timer, six events of history per retry, at most 10 s apart (a projection made after the database
 * is back waits behind the one still retrying: they are chained). Each failed attempt's marker
 * records its backoff, so a change here replays as it ran.
 */
const retriedLocally = proxyLocalActivities<ReadModelActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { ...FOREVER, initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
  localRetryThreshold: '1 second',
});

/**
 * Since PROJECTIONS_OUTLAST_OUTAGES: a few local attempts within a second and a half, then the
 * same write as an ordinary activity, which the server retries every few seconds without adding
 * to history however long the database is away (docs/design.md, "Recovery").
 */
const PROJECTIONS_OUTLAST_OUTAGES = 'projections-outlast-outages';
const firstLocally = proxyLocalActivities<ReadModelActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 4 },
  localRetryThreshold: '1 second',
});
const thenByTheServer = proxyActivities<ReadModelActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

/** A read-model write, by the stubs given, with the summary the Temporal UI shows for it. */
type Write = (activities: SummarizedActivities<ReadModelActivities>, options: { summary: string }) => Promise<void>;
type SummarizedActivities<A> = {
  [K in keyof A]: A[K] extends (...args: infer P) => infer R ? { executeWithOptions(options: { summary: string }, args: P): R } : never;
};

async function projected(what: string, write: Write): Promise<void> {
  if (!patchedBeforeV5(PROJECTIONS_OUTLAST_OUTAGES)) return write(retriedLocally, { summary: what });
  try {
    await write(firstLocally, { summary: what });
  } catch (err) {
    // A local activity fails with its own failure, not wrapped in an ActivityFailure.
    if (isCancellation(err)) throw err;
    await write(thenByTheServer, { summary: `retry projection: ${what}` });
  }
}

export const projectRun = (projection: RunProjection): Promise<void> =>
  projected(`project the run as ${projection.wesState}`, (activities, options) =>
    activities.projectRun.executeWithOptions(options, [projection]),
  );
export const projectTasks = (runId: string, rows: TaskRow[]): Promise<void> =>
  projected(`project ${rows.length} step row${rows.length === 1 ? '' : 's'}`, (activities, options) =>
    activities.projectTasks.executeWithOptions(options, [runId, rows]),
  );

/**
 * A task's choice and check of a step's provider: an ordinary activity on the task's own queue
 * (which every worker polls), not a local one, so that its failure, an event of its own, replays
 * in order with the task's projections (docs/tasks.md, "How a task runs").
 */
export const { selectProvider: selectStepProvider } = proxyActivities<RunActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/** A step's run gets the task's attachments: a copy on the data dir every worker shares. */
export const { shareTaskAttachments } = proxyLocalActivities<TaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: FOREVER,
  localRetryThreshold: '1 second',
});
