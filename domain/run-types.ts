/**
 * The data a run is made of, shared by the API, the workflow and the activities.
 * Types only: importing this file executes nothing.
 */
import type { Duration } from '@temporalio/common';
import type { components } from '../spec/wes-api';
import type { ExecutionState, FailureReason, TransitionType } from './state-machine';
import type { WesState } from './wes-state';

type WesSchemas = components['schemas'];

/**
 * A WES 1.1 `RunRequest`, kept verbatim so that the run log can return it as it came. The
 * generated type reads the spec's untyped `workflow_params` object as an empty one; an engine
 * parameter may be null, a flag (as toil-wes-cwl-runner sends them: `{"--quiet": null}`).
 */
export type WesRunRequest = Omit<WesSchemas['RunRequest'], 'workflow_params' | 'workflow_engine_parameters'> & {
  workflow_params?: Record<string, unknown>;
  workflow_engine_parameters?: Record<string, string | null>;
};

/** How often and how long calls to a provider are retried on connection errors. */
export interface ProviderRetry {
  initialInterval: Duration;
  maximumInterval: Duration;
  maximumAttempts: number;
}

/** The input of the run workflow. */
export interface RunInput {
  runId: string;
  request: WesRunRequest;
  /** The provider to use; when absent, configuration picks one from the request. */
  provider?: string;
  /** The provider's engine and its version, where the API knows them: for the Temporal UI (domain/run-story.ts). */
  engine?: string;
  /** Hold the run in `awaiting_input` after preparation until someone resumes it. */
  requireApproval?: boolean;
  owner?: string;
  providerRetry?: Partial<ProviderRetry>;
  /** The whole run's time limit: past it the run is cancelled at its provider and ends `timed_out`. */
  timeout?: Duration;
  /** Set when the run continued as new: where the previous execution left off. */
  continued?: RunContinuation;
}

/** What the read model and Temporal's search attributes show of a run beyond its ledger. */
export type PublishedRun = Pick<RunInput, 'request' | 'owner'>;

/**
 * What one execution of the run workflow hands to the next when it continues as new, so that the
 * run goes on under the same workflow id as if nothing happened.
 */
export interface RunContinuation {
  /** Named before the ledger was: continued runs in flight carry the name. */
  record: CarriedLedger;
  /** Epoch ms of the whole-run deadline, fixed when the run started. */
  deadline?: number;
  /** The read model's projection counter and what of the run it has confirmed. */
  projection: ProjectionCursor;
  polling: PollingState;
}

/** What the run's poll last saw of its provider; the next poll waits for something else. */
export interface PollingState {
  state: ProviderState;
  /** The provider did not answer. */
  unreachable: boolean;
}

export interface ProjectionCursor {
  version: number;
  /** The seq of the last transition the read model holds. */
  seq: number;
  /** The request is sent once: the read model keeps it. */
  requestSent: boolean;
}

/** A RunLedger as it is carried into the next execution. */
export interface CarriedLedger {
  provider?: string;
  externalId?: string;
  /** Where the run's provider activities go once submitted (a host's queue for host-bound providers). */
  activityQueue?: string;
  canceling: boolean;
  preempted: boolean;
  outputs: Record<string, unknown>;
  log: RunLog;
  cleaned: boolean;
  /** The most recent transitions; older ones are in the read model. */
  transitions: Transition[];
}

/** What a run is given when it is resumed. */
export type ResumeInput = Record<string, unknown>;

/** The states a provider reports; those of WES, since every provider maps onto them. */
export type ProviderState = Exclude<WesState, 'CANCELING'>;

export interface ProviderStatus {
  state: ProviderState;
  /** A human-readable detail: why it failed, what it is doing. */
  detail?: string;
}

/** What the workflow passes to provider activities: enough for any provider operation. */
export interface RunRef {
  runId: string;
  /** Whose run it is: a provider may cap the runs of one owner (the local provider's maxEnginesPerOwner). */
  owner?: string;
  provider: string;
  request: WesRunRequest;
  externalId?: string;
}

/** A run handed to a provider: the workflow's reference plus where its files live on this host. */
export interface ProviderRun extends RunRef {
  workDir: string;
}

/**
 * What a provider activity learned. On a terminal state the run's results come with it, collected
 * and cleaned up in the same call, so that a finished run costs no further round trips.
 */
export interface ProviderNews extends ProviderStatus {
  results?: RunResults;
  /** Whether cleanup succeeded with the results (false: cleanup is tried again, and logged). */
  cleaned?: boolean;
  /** Set while the provider cannot be reached: why. Polling goes on; the run is not given up. */
  unreachable?: string;
  /** The run ended, but its results could not be collected: why. */
  error?: string;
}

/** A run accepted by its provider. */
export interface Submission {
  externalId: string;
  /** The task queue of the host that launched the run, for providers whose runs live on one host. */
  hostQueue?: string;
  /** The provider's state right after submission. */
  news: ProviderNews;
}

/**
 * What startRun answers, when asked to announce it, instead of preparing: the provider must first
 * install something on its host (`snakemake 7.32.4`), which takes a while.
 */
export interface PendingInstall {
  installing: string;
}

/** The WES `Log` of the run as a whole. */
export type RunLog = WesSchemas['Log'];

export interface RunResults {
  outputs: Record<string, unknown>;
  log: RunLog;
}

/** One entry of a run's transition log. */
export interface Transition {
  seq: number;
  type: TransitionType;
  from: ExecutionState;
  to: ExecutionState;
  /** ISO 8601, workflow time. */
  at: string;
  payload?: Record<string, unknown>;
}

/** Everything one can know of a run; what the `snapshot` query returns. */
export interface RunSnapshot {
  runId: string;
  state: ExecutionState;
  wesState: WesState;
  canceling: boolean;
  failureReason?: FailureReason;
  error?: string;
  provider?: string;
  externalId?: string;
  transitions: Transition[];
  outputs: Record<string, unknown>;
  log: RunLog;
  cleaned: boolean;
}
