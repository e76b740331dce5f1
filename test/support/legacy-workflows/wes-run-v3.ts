/**
 * The run workflow of generations 1 to 3 (workflow type `wesRun`, before the lean engine), kept
 * unchanged so that test/replay.test.ts still replays their histories; it is not in the worker's
 * bundle. Its activities are those of that build (types below), which today's worker does not
 * serve: such runs are drained by a worker of their own build (docs/design.md, "Versions of the run
 * workflow"). Delete with the generation 1 to 3 histories once no such run can be in flight.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { ReadModelActivities } from '../../../workflows/activity-interfaces';
import { NOT_AWAITING_INPUT, resumeSignal, resumeUpdate, snapshotQuery } from '../../../domain/messages';
import { RunLedger as RunRecord } from '../../../workflows/run-ledger';
import type {
  ProviderRetry,
  ProviderState,
  ProviderStatus,
  ResumeInput,
  RunInput,
  RunResults,
  RunSnapshot,
  WesRunRequest,
} from '../../../domain/run-types';
import { WesOwnerKey, WesProviderKey, WesStateKey, WesWorkflowTypeKey } from '../../../domain/search-attributes';
import { canTransition, isTerminal, type FailureReason } from '../../../domain/state-machine';
import { failureMessage, failureReasonOf } from '../../../workflows/failures';
import { providerTaskQueue } from '../../../domain/task-queues';

/** Generation 3 cancelled runs by this signal; today's runs are cancelled through Temporal. */
const cancelSignal = defineSignal<[reason?: string]>('cancel');

interface ProviderRun {
  runId: string;
  provider: string;
  workDir: string;
  request: WesRunRequest;
  externalId?: string;
}

/** The activities of generation 3, by name and signature. */
interface RunActivities {
  selectProvider(input: RunInput): Promise<string>;
  prepareRun(input: RunInput, provider: string): Promise<ProviderRun>;
  submitRun(run: ProviderRun): Promise<string>;
  pollRun(run: ProviderRun, since?: ProviderState): Promise<ProviderStatus>;
  cancelRun(run: ProviderRun): Promise<void>;
  resumeRun(run: ProviderRun, input: ResumeInput): Promise<void>;
  collectResults(run: ProviderRun): Promise<RunResults>;
  cleanupRun(input: RunInput, provider: string | undefined, externalId: string | undefined): Promise<void>;
}

const DEFAULT_PROVIDER_RETRY: ProviderRetry = { initialInterval: '1s', maximumInterval: '1m', maximumAttempts: 10 };

/** Activity proxies; each call states how it is cancelled. */
function runActivities(retry: Partial<ProviderRetry> = {}, taskQueue?: string) {
  const proxy = (options: ActivityOptions) =>
    proxyActivities<RunActivities>({
      retry: { ...DEFAULT_PROVIDER_RETRY, ...retry, backoffCoefficient: 2 },
      ...(taskQueue ? { taskQueue } : {}),
      ...options,
    });
  // Before submission a cancel stops the work at once, and waits for it so cleanup does not race it.
  const preparing = proxy({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '30 seconds',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  // Polling is only reading: when its scope is cancelled there is nothing to wait for.
  const polling = proxy({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '15 seconds',
    cancellationType: ActivityCancellationType.TRY_CANCEL,
  });
  // Calls that change the provider's run are never abandoned half-way.
  const changing = proxy({
    startToCloseTimeout: '5 minutes',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  return {
    selectProvider: preparing.selectProvider,
    prepareRun: preparing.prepareRun,
    pollRun: polling.pollRun,
    submitRun: changing.submitRun,
    cancelRun: changing.cancelRun,
    resumeRun: changing.resumeRun,
    collectResults: changing.collectResults,
    cleanupRun: changing.cleanupRun,
  };
}

/**
 * Read-model writes never give up: a database outage delays the projection, never the run,
 * and the run's own state in Temporal stays the source of truth meanwhile.
 */
const { projectRun } = proxyActivities<ReadModelActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

export async function wesRun(input: RunInput): Promise<RunSnapshot> {
  const run = new RunRecord(input.runId);
  let activities = runActivities(input.providerRetry);
  const beforeSubmission = new CancellationScope();
  let submitted = false;
  let cancelReason: string | undefined;
  let resumeInput: ResumeInput | undefined;

  // Runs started before the read model existed replay without projecting.
  const projecting = patched('read-model-projection');
  let projections = Promise.resolve();
  let projectedVersion = 0;
  let projectedSeq = 0;
  /** Queues a projection of the run as it is now; projections reach the database in order. */
  const project = () => {
    if (!projecting) return;
    const projection = run.projection(input, workflowInfo().startTime, ++projectedVersion, projectedSeq);
    projectedSeq = run.transitions.length;
    projections = projections.then(() => CancellationScope.nonCancellable(() => projectRun(projection)));
  };
  const publish = () => {
    upsertSearchAttributes([
      { key: WesStateKey, value: run.wesState },
      { key: WesWorkflowTypeKey, value: input.request.workflow_type },
      ...(run.provider ? [{ key: WesProviderKey, value: run.provider }] : []),
      ...(input.owner ? [{ key: WesOwnerKey, value: input.owner }] : []),
    ]);
    project();
  };
  const record: RunRecord['transition'] = (type, payload) => {
    const transition = run.transition(type, payload);
    publish();
    return transition;
  };
  const fail = (reason: FailureReason, error: string) => {
    if (canTransition(run.state, 'failed')) run.fail(reason, error);
    // A run paused at its provider may only be resumed or cancelled: a failure while cancelling
    // it ends it as cancelled, with the error kept in the log.
    else run.transition('cancelled', { reason: cancelReason, error });
    publish();
  };
  const waitingForInput = () => run.state === 'awaiting_input' && resumeInput === undefined && !cancelReason;
  const takeResumeInput = async (): Promise<ResumeInput | undefined> => {
    await condition(() => resumeInput !== undefined || cancelReason !== undefined);
    const given = resumeInput;
    resumeInput = undefined;
    return cancelReason === undefined ? given : undefined;
  };

  setHandler(snapshotQuery, () => run.snapshot());
  setHandler(cancelSignal, (reason) => {
    if (cancelReason !== undefined || isTerminal(run.state)) return;
    cancelReason = reason === undefined || reason === '' ? 'cancel requested' : reason;
    if (!submitted) beforeSubmission.cancel();
  });
  // A resume sent from the Temporal UI or CLI may carry no input at all.
  setHandler(resumeSignal, (given: ResumeInput | undefined) => {
    if (waitingForInput()) resumeInput = given ?? {};
  });
  setHandler(
    resumeUpdate,
    async (given: ResumeInput | undefined) => {
      resumeInput = given ?? {};
      await condition(() => run.state !== 'awaiting_input');
      return run.snapshot();
    },
    {
      validator: (_given) => {
        if (!waitingForInput()) {
          throw ApplicationFailure.create({
            type: NOT_AWAITING_INPUT,
            message: `run ${input.runId} is ${run.state}${cancelReason ? ' (cancelling)' : ''}, not awaiting input`,
            nonRetryable: true,
          });
        }
      },
    },
  );
  publish();

  /** Follows a submitted run until it ends, cancelling it at the provider when asked. */
  const followRun = async (providerRun: ProviderRun) => {
    const polling = new CancellationScope();
    let cancelFailure: { error: unknown } | undefined;
    void (async () => {
      await condition(() => cancelReason !== undefined);
      run.canceling = true;
      publish();
      try {
        await activities.cancelRun(providerRun);
      } catch (err) {
        cancelFailure = { error: err };
        polling.cancel();
      }
    })();

    // A run the provider accepted counts as running; only what differs from that is news.
    let seen: ProviderState = 'RUNNING';
    const leavePause = (providerState: ProviderState) => {
      // The provider moved on by itself while we waited (e.g. it finished as we cancelled it).
      if (run.state === 'awaiting_input') record('step', { provider_state: providerState });
    };
    try {
      await polling.run(async () => {
        for (;;) {
          const status = await activities.pollRun(providerRun, seen);
          if (status.state === seen) continue;
          seen = status.state;
          switch (status.state) {
            case 'COMPLETE': {
              leavePause(status.state);
              const results = await activities.collectResults(providerRun);
              run.outputs = results.outputs;
              run.log = results.log;
              record('finish', { outputs: results.outputs });
              return;
            }
            case 'EXECUTOR_ERROR':
            case 'SYSTEM_ERROR': {
              leavePause(status.state);
              run.log = (await activities.collectResults(providerRun)).log;
              fail(
                status.state === 'EXECUTOR_ERROR' ? 'executor_error' : 'system_error',
                status.detail ?? `provider '${providerRun.provider}' reported ${status.state}`,
              );
              return;
            }
            case 'CANCELED':
              record('cancelled', { reason: cancelReason ?? `cancelled by provider '${providerRun.provider}'` });
              return;
            case 'PAUSED': {
              if (run.state !== 'awaiting_input') record('wait', { provider_state: status.state });
              const given = await takeResumeInput();
              // On cancel, keep polling: the provider's cancel ends the run.
              if (given === undefined) break;
              record('resume', { input: given });
              await activities.resumeRun(providerRun, given);
              seen = 'RUNNING';
              break;
            }
            default:
              run.preempted = status.state === 'PREEMPTED';
              record('step', { provider_state: status.state, ...(status.detail ? { detail: status.detail } : {}) });
          }
        }
      });
    } catch (err) {
      if (isCancellation(err) && cancelFailure) throw cancelFailure.error;
      throw err;
    }
  };

  try {
    let providerRun = await beforeSubmission.run(async () => {
      run.provider = await activities.selectProvider(input);
      // Runs started before provider task queues existed keep everything on the run's queue.
      if (patched('provider-task-queues')) {
        activities = runActivities(input.providerRetry, providerTaskQueue(workflowInfo().taskQueue, run.provider));
      }
      record('init');
      let prepared = await activities.prepareRun(input, run.provider);
      if (input.requireApproval) {
        record('wait', { reason: 'approval required' });
        const given = await takeResumeInput();
        if (given === undefined) throw new CancelledBeforeSubmission();
        record('resume', { input: given });
        // What the approver gives completes or overrides the run's parameters.
        const workflow_params = { ...prepared.request.workflow_params, ...given };
        prepared = { ...prepared, request: { ...prepared.request, workflow_params } };
      } else {
        record('step');
      }
      return prepared;
    });
    submitted = true;
    run.externalId = await activities.submitRun(providerRun);
    project();
    providerRun = { ...providerRun, externalId: run.externalId };
    await followRun(providerRun);
  } catch (err) {
    if (!submitted && (isCancellation(err) || err instanceof CancelledBeforeSubmission) && cancelReason) {
      record('cancelled', { reason: cancelReason });
    } else if (err instanceof ActivityFailure) {
      fail(failureReasonOf(err), failureMessage(err));
    } else {
      // Anything else is a bug in this code: fail the workflow task so it can be fixed and replayed.
      throw err;
    }
  } finally {
    await CancellationScope.nonCancellable(async () => {
      try {
        await activities.cleanupRun(input, run.provider, run.externalId);
        run.cleaned = true;
      } catch (err) {
        run.log = { ...run.log, system_logs: [...(run.log.system_logs ?? []), `cleanup failed: ${failureMessage(err)}`] };
      }
      project();
      await projections;
    });
  }
  return run.snapshot();
}

/** Raised inside the pre-submission scope when a cancel ends the approval wait. */
class CancelledBeforeSubmission extends Error {}
