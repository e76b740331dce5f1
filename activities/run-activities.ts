/**
 * The activities of the run workflow: each does as much of the lifecycle as one call can
 * (docs/design.md, "The run lifecycle"), so that a run costs few round trips. They hold no state of
 * their own; a run's state lives with its provider and in its work dir, so any worker of the right
 * queue can pick up any attempt.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, ProviderRejectedError } from './errors';
import { providerCaller } from './provider-call';
import type { OperationContext, Provider } from './providers/provider';
import type { ProviderRegistry } from './providers/provider-registry';
import type { RunStore } from '../read-model/run-store';
import type { RunProjection } from '../domain/run-rows';
import type { WorkerMetrics } from './worker-metrics';
import { TaskReporter } from './task-reporter';
import { removeStaging, runWorkDir, writeFileAtomic } from './work-dir';
import { isTerminalWesState } from '../domain/wes-state';
import { stringifyExactJson } from '../domain/exact-json';
import type {
  PendingInstall,
  PollingState,
  ProviderNews,
  ProviderRun,
  ProviderState,
  ProviderStatus,
  ResumeInput,
  RunInput,
  RunRef,
  Submission,
} from '../domain/run-types';
import type { RunActivities } from '../workflows/activity-interfaces';

export interface RunActivityDeps {
  registry: ProviderRegistry;
  runStore: RunStore;
  dataDir: string;
  /** The task queue of this host for a host-bound provider's runs. */
  hostQueue: (provider: string) => string;
  metrics: WorkerMetrics;
}

const HEARTBEAT_EVERY_MS = 5_000;
/** A preparation that lasts longer shows in the read model as such (`starting`). */
const PREPARATION_SHOWN_AFTER_MS = 1_000;
const UNREACHABLE_BACKOFF_MAX_MS = 60_000;
const RESULTS_ATTEMPTS = 3;
const WITH_RESULTS: readonly ProviderState[] = ['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR'];

function isFinal(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.nonRetryable === true;
}

/**
 * Heartbeats while `work` runs, however long one provider call takes: Temporal then notices a dead
 * worker within the heartbeat timeout, and the activity hears of a cancel.
 */
async function heartbeating<T>(work: (context: Context) => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work(context);
  } finally {
    clearInterval(timer);
  }
}

/** At once where the provider can tell, else after its poll interval; rejects when cancelled. */
async function untilStatusMayChange(provider: Provider, run: ProviderRun, context: Context): Promise<void> {
  if (!provider.statusChanged) return context.sleep(provider.pollIntervalMs);
  await provider.statusChanged(run, provider.pollIntervalMs, context.cancellationSignal);
  if (context.cancellationSignal.aborted) await context.cancelled;
}

function operationContext(context: Context): OperationContext {
  return {
    signal: context.cancellationSignal,
    heartbeat: () => context.heartbeat(),
    sleep: (ms) => context.sleep(ms),
  };
}

export function createRunActivities({ registry, runStore, dataDir, hostQueue, metrics }: RunActivityDeps): RunActivities {
  const callProvider = providerCaller(registry, metrics);
  const providerRun = (ref: RunRef): ProviderRun => ({ ...ref, workDir: runWorkDir(dataDir, ref.runId) });

  /**
   * What the provider says now; a run that ended comes with its results, and is cleaned up after
   * its tasks are reported a last time.
   */
  async function look(run: ProviderRun, status: ProviderStatus, tasks?: TaskReporter): Promise<ProviderNews> {
    if (!isTerminalWesState(status.state)) return status;
    const provider = registry.get(run.provider);
    const news: ProviderNews = { ...status };
    if (WITH_RESULTS.includes(status.state)) {
      for (let attempt = 1; ; attempt++) {
        try {
          news.results = await callProvider(run.provider, 'results', () => provider.results(run));
          break;
        } catch (err) {
          if (isFinal(err) || attempt === RESULTS_ATTEMPTS) {
            news.error = errorMessage(err);
            break;
          }
          await Context.current().sleep(1000 * attempt);
        }
      }
    }
    await (tasks ?? new TaskReporter(provider, run, runStore)).final();
    news.cleaned = await cleanup(run).then(
      () => true,
      () => false,
    );
    return news;
  }

  async function cleanup(run: ProviderRun): Promise<void> {
    await callProvider(run.provider, 'cleanup', () => registry.get(run.provider).cleanup(run));
    await removeStaging(run.workDir);
  }

  /** Starts the run at its provider, or finds it started; never abandoned half-way by a cancel. */
  async function submit(run: ProviderRun): Promise<Submission> {
    const provider = registry.get(run.provider);
    const externalId = await callProvider(run.provider, 'submit', () => provider.submit(run));
    const submitted = { ...run, externalId };
    const status = await callProvider(run.provider, 'status', () => provider.status(submitted));
    return {
      externalId,
      ...(provider.hostBound ? { hostQueue: hostQueue(run.provider) } : {}),
      news: await look(submitted, status),
    };
  }

  /**
   * Prepares the run's work dir and the provider's staging, then submits it if asked to; or, with
   * `announceInstall`, only says what the provider must install first, if anything.
   */
  function prepareAndSubmit(ref: RunRef, andSubmit: boolean, announceInstall: boolean): Promise<Submission | PendingInstall | undefined> {
    return heartbeating(async (context) => {
      const run = providerRun(ref);
      const provider = registry.get(ref.provider);
      await callProvider(ref.provider, 'validate', () => provider.validate(ref.request));
      if (announceInstall) {
        const installing = await callProvider(ref.provider, 'pendingInstall', () => provider.pendingInstall?.(run));
        if (installing !== undefined) return { installing };
      }
      await mkdir(run.workDir, { recursive: true });
      await writeFileAtomic(path.join(run.workDir, 'request.json'), stringifyExactJson(ref.request, 2));
      await callProvider(ref.provider, 'prepare', () => provider.prepare(run, operationContext(context)));
      if (!andSubmit) return undefined;
      // Past this point a cancel waits for the submission: the workflow then cancels the run there.
      if (context.cancellationSignal.aborted) await context.cancelled;
      return submit(run);
    });
  }

  return {
    /** Picks the run's provider and checks that it can run the request (a local activity). */
    async selectProvider(input: RunInput): Promise<string> {
      const name = registry.select(input);
      return callProvider(name, 'validate', () => {
        registry.get(name).validate(input.request);
        return name;
      });
    },

    /**
     * Prepares the run's work dir and the provider's staging and, unless the run waits for approval
     * first, submits it: one round trip from `queued` to `running` (or to the end, for a run that
     * ends at once). Undefined when it only prepared. A preparation that lasts shows in the read
     * model as `starting`, the projection the workflow made for that (a later one supersedes it).
     * With `announceInstall`, a run whose provider must install something on this host first
     * (an engine version's first use) is answered with what, at once, for the workflow to log it
     * before it asks again without.
     */
    async startRun(
      ref: RunRef,
      { submit: andSubmit, starting, announceInstall = false }: { submit: boolean; starting?: RunProjection; announceInstall?: boolean },
    ): Promise<Submission | PendingInstall | undefined> {
      const showStarting = starting && setTimeout(() => void runStore.project(starting).catch(() => undefined), PREPARATION_SHOWN_AFTER_MS);
      try {
        return await prepareAndSubmit(ref, andSubmit, announceInstall);
      } finally {
        clearTimeout(showStarting);
      }
    },

    /** Submits a prepared run (after its approval gate). */
    async submitRun(ref: RunRef): Promise<Submission> {
      return heartbeating(() => submit(providerRun(ref)));
    },

    /**
     * Waits until the provider reports something other than `since`: another state, or that it can
     * no longer (or can again) be reached. While it cannot be reached this keeps asking, backing off
     * up to a minute: an outage delays a run, it never fails a healthy one. A retried attempt (after
     * a worker crash) just asks again: the provider's own state is the checkpoint.
     */
    async awaitRunChange(ref: RunRef, since: PollingState): Promise<ProviderNews> {
      return heartbeating(async (context) => {
        const run = providerRun(ref);
        const provider = registry.get(ref.provider);
        const tasks = new TaskReporter(provider, run, runStore);
        let backoff = provider.pollIntervalMs;
        for (;;) {
          let status: ProviderStatus;
          try {
            status = await callProvider(ref.provider, 'status', () => provider.status(run));
          } catch (err) {
            if (isFinal(err)) throw err;
            if (!since.unreachable) return { state: since.state, unreachable: errorMessage(err) };
            await context.sleep(backoff);
            backoff = Math.min(backoff * 2, UNREACHABLE_BACKOFF_MAX_MS);
            continue;
          }
          if (status.state !== since.state || since.unreachable) return look(run, status, tasks);
          tasks.report();
          await untilStatusMayChange(provider, run, context);
        }
      });
    },

    async cancelRun(ref: RunRef): Promise<void> {
      await heartbeating(() => callProvider(ref.provider, 'cancel', () => registry.get(ref.provider).cancel(providerRun(ref))));
    },

    async resumeRun(ref: RunRef, input: ResumeInput): Promise<void> {
      await heartbeating(() =>
        callProvider(ref.provider, 'resume', () => {
          const provider = registry.get(ref.provider);
          if (!provider.resume) throw new ProviderRejectedError(`${provider.kind} runs cannot be paused, so there is nothing to resume`);
          return provider.resume(providerRun(ref), input);
        }),
      );
    },

    /**
     * Removes staged inputs, scratch space and the provider's leftovers; outputs and logs stay.
     * A run that never got a provider has only what the API staged.
     */
    async cleanupRun(ref: Omit<RunRef, 'provider'> & { provider?: string }): Promise<void> {
      await heartbeating(async () => {
        const { provider } = ref;
        if (provider === undefined) await removeStaging(runWorkDir(dataDir, ref.runId));
        else await cleanup(providerRun({ ...ref, provider }));
      });
    },
  };
}
