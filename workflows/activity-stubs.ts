/**
 * The activities the run workflow calls, with their options. Every activity either heartbeats or
 * is local, so that a dead worker or a completion lost with the Temporal server is retried within
 * about 20 s (docs/design.md, "Recovery"); each call states how it is cancelled.
 */
import { ActivityCancellationType, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { ReadModelActivities } from '../activities/read-model-activities';
import type { RunActivities } from '../activities/run-activities';
import type { TaskActivities } from '../activities/task-activities';
import type { ProviderRetry } from './run-types';

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
 * Read-model writes never give up: a database outage delays the projection, not the run. A local
 * activity holds its workflow task open while it retries, so past a second the backoff becomes a
 * workflow timer and the run's other commands go out. At most 10 s apart: a projection made after
 * the database is back waits behind the one still retrying (they are chained), so this bounds how
 * late it lands; each retry past the first second costs six events of history (docs/design.md,
 * "Recovery"). Each failed attempt's marker records its backoff, so a change here replays as it ran.
 */
export const { projectRun, projectTasks } = proxyLocalActivities<ReadModelActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { ...FOREVER, initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
  localRetryThreshold: '1 second',
});

/** A step's run gets the task's attachments: a copy on the data dir every worker shares. */
export const { shareTaskAttachments } = proxyLocalActivities<TaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: FOREVER,
  localRetryThreshold: '1 second',
});
