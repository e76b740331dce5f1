/**
 * The data a run is made of, shared by the API, the workflow and the activities.
 * Types only: importing this file executes nothing.
 */
import type { Duration } from '@temporalio/common';
import type { ExecutionState, FailureReason, TransitionType } from './state-machine';
import type { WesState } from './wes-state';

/** A WES 1.1 `RunRequest`, kept verbatim so that the run log can return it as it came. */
export interface WesRunRequest {
  workflow_params?: Record<string, unknown>;
  workflow_type: string;
  workflow_type_version: string;
  tags?: Record<string, string>;
  workflow_engine?: string;
  workflow_engine_version?: string;
  workflow_engine_parameters?: Record<string, string>;
  workflow_url: string;
}

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
  /** Hold the run in `awaiting_input` after preparation until someone resumes it. */
  requireApproval?: boolean;
  owner?: string;
  providerRetry?: Partial<ProviderRetry>;
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

/** A run handed to a provider: enough for any provider operation, durable across workers. */
export interface ProviderRun {
  runId: string;
  provider: string;
  workDir: string;
  request: WesRunRequest;
  externalId?: string;
}

/** The WES `Log` of the run as a whole. */
export interface RunLog {
  name?: string;
  cmd?: string[];
  start_time?: string;
  end_time?: string;
  stdout?: string;
  stderr?: string;
  exit_code?: number;
  system_logs?: string[];
}

export interface RunResults {
  outputs: Record<string, unknown>;
  log: RunLog;
}

export interface TransitionRecord {
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
  transitions: TransitionRecord[];
  outputs: Record<string, unknown>;
  log: RunLog;
  cleaned: boolean;
}
