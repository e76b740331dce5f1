/**
 * What the workflows ask of activities, declared here, on the workflows' side: activities/
 * implements these interfaces, so the dependency runs from activities down to the workflows that
 * call them, never up (docs/design.md, "Layers").
 */
import type { RunProjection, TaskRow } from '../domain/run-rows';
import type { PendingInstall, PollingState, ProviderNews, ResumeInput, RunInput, RunRef, Submission } from '../domain/run-types';

/** One run's life at its provider (activities/run-activities.ts). */
export interface RunActivities {
  /** The provider's name for a run: its explicit choice, its tag, or the default. */
  selectProvider(input: RunInput): Promise<string>;
  /**
   * Prepares the run; with `submit`, submits it too. `starting` is shown if preparing takes long.
   * With `announceInstall`, a run whose provider must install something first does nothing but say what.
   */
  startRun(
    ref: RunRef,
    options: { submit: boolean; starting?: RunProjection; announceInstall?: boolean },
  ): Promise<Submission | PendingInstall | undefined>;
  submitRun(ref: RunRef): Promise<Submission>;
  /** Resolves with the provider's news once the run has changed since `since`. */
  awaitRunChange(ref: RunRef, since: PollingState): Promise<ProviderNews>;
  cancelRun(ref: RunRef): Promise<void>;
  resumeRun(ref: RunRef, input: ResumeInput): Promise<void>;
  /** A run that never reached a provider has no `provider` yet. */
  cleanupRun(ref: Omit<RunRef, 'provider'> & { provider?: string }): Promise<void>;
}

/** Writes to the read model (activities/read-model-activities.ts). */
export interface ReadModelActivities {
  projectRun(projection: RunProjection): Promise<void>;
  projectTasks(runId: string, rows: TaskRow[]): Promise<void>;
}

/** What a task run asks of the worker's disk (activities/task-activities.ts). */
export interface TaskActivities {
  shareTaskAttachments(taskRunId: string, runId: string): Promise<void>;
}
