/**
 * The activities of the run workflow: each is one step of the lifecycle (DESIGN.md §3) that
 * touches the outside world. They hold no state of their own; a run's state lives with its
 * provider and in its work dir, so any worker can pick up any attempt.
 */
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { mkdir } from 'node:fs/promises';
import { FAILURE_TYPES, InvalidRunRequestError, ProviderRejectedError } from './errors';
import type { OperationContext } from './provider';
import type { ProviderRegistry } from './provider-registry';
import { removeStaging, runWorkDir, writeFileAtomic } from './work-dir';
import path from 'node:path';
import type {
  ProviderRun,
  ProviderState,
  ProviderStatus,
  ResumeInput,
  RunInput,
  RunResults,
} from '../workflows/run-types';

export interface RunActivityDeps {
  registry: ProviderRegistry;
  dataDir: string;
  /** How long one poll activity waits for news before it returns the unchanged state. */
  pollWindowMs?: number;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs a provider operation and classifies its failure for Temporal's retry policy:
 * a rejection or an invalid request is final, anything else is a connection error to retry.
 * The message names the provider and the operation, so that a failed run says who failed and why.
 */
async function callProvider<T>(provider: string, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof CancelledFailure) throw err;
    const message = `provider '${provider}' ${operation}: ${describe(err)}`;
    if (err instanceof InvalidRunRequestError) {
      throw ApplicationFailure.nonRetryable(message, FAILURE_TYPES.invalidRequest);
    }
    if (err instanceof ProviderRejectedError) throw ApplicationFailure.nonRetryable(message, FAILURE_TYPES.rejected);
    throw ApplicationFailure.retryable(message, FAILURE_TYPES.unavailable);
  }
}

function operationContext(): OperationContext {
  const context = Context.current();
  return {
    signal: context.cancellationSignal,
    heartbeat: () => context.heartbeat(),
    sleep: (ms) => context.sleep(ms),
  };
}

export function createRunActivities({ registry, dataDir, pollWindowMs = 60_000 }: RunActivityDeps) {
  const providerRun = (input: RunInput, provider: string): ProviderRun => ({
    runId: input.runId,
    provider,
    workDir: runWorkDir(dataDir, input.runId),
    request: input.request,
  });

  return {
    /** Picks the run's provider and checks that it can run the request (still `queued`). */
    async selectProvider(input: RunInput): Promise<string> {
      const name = registry.select(input);
      return callProvider(name, 'validate', async () => {
        registry.get(name).validate(input.request);
        return name;
      });
    },

    /** Creates the run's work dir and stages what the provider needs (`starting`). */
    async prepareRun(input: RunInput, provider: string): Promise<ProviderRun> {
      const run = providerRun(input, provider);
      await mkdir(run.workDir, { recursive: true });
      await writeFileAtomic(path.join(run.workDir, 'request.json'), JSON.stringify(input.request, null, 2));
      await callProvider(provider, 'prepare', () => registry.get(provider).prepare(run, operationContext()));
      return run;
    },

    /** Starts the run at the provider; repeated calls find the run already started. */
    async submitRun(run: ProviderRun): Promise<string> {
      return callProvider(run.provider, 'submit', () => registry.get(run.provider).submit(run));
    },

    /**
     * Waits, heartbeating, until the provider reports a state other than `since`, or the poll
     * window ends. A retried attempt (after a worker crash) just asks the provider again: the
     * provider's own state is the checkpoint, so nothing is resubmitted.
     */
    async pollRun(run: ProviderRun, since?: ProviderState): Promise<ProviderStatus> {
      const context = Context.current();
      const provider = registry.get(run.provider);
      const deadline = Date.now() + pollWindowMs;
      for (;;) {
        const status = await callProvider(run.provider, 'status', () => provider.status(run));
        context.heartbeat(status.state);
        if (status.state !== since || Date.now() >= deadline) return status;
        await context.sleep(provider.pollIntervalMs);
      }
    },

    async cancelRun(run: ProviderRun): Promise<void> {
      await callProvider(run.provider, 'cancel', () => registry.get(run.provider).cancel(run));
    },

    async resumeRun(run: ProviderRun, input: ResumeInput): Promise<void> {
      await callProvider(run.provider, 'resume', () => registry.get(run.provider).resume(run, input));
    },

    async collectResults(run: ProviderRun): Promise<RunResults> {
      return callProvider(run.provider, 'results', () => registry.get(run.provider).results(run));
    },

    /** Removes staged inputs, scratch space and the provider's leftovers; outputs and logs stay. */
    async cleanupRun(input: RunInput, provider: string | undefined, externalId: string | undefined): Promise<void> {
      const workDir = runWorkDir(dataDir, input.runId);
      if (provider !== undefined) {
        const run = { ...providerRun(input, provider), externalId };
        await callProvider(provider, 'cleanup', () => registry.get(provider).cleanup(run));
      }
      await removeStaging(workDir);
    },
  };
}

export type RunActivities = ReturnType<typeof createRunActivities>;
