/**
 * The worker's side of a provider, its runner: the one interface every execution backend implements
 * (docs/design.md, "Adding a provider"); the API's side is its descriptor (providers/descriptor.ts).
 *
 * Every operation must be safe to repeat: activities are retried, and a worker may die between a
 * provider's side effect and the workflow hearing of it. `submit` in particular must return the
 * same external id, and start nothing new, when called again for the same run.
 */
import type { ProviderRun, ProviderStatus, ResumeInput, RunResults, WesRunRequest } from '../../domain/run-types';
import type { WesState } from '../../domain/wes-state';

/** What a long provider operation may use to stay cancellable and alive. */
export interface OperationContext {
  /** Aborted when the activity is cancelled. */
  readonly signal: AbortSignal;
  heartbeat(): void;
  /** Sleeps, and rejects when the activity is cancelled. */
  sleep(ms: number): Promise<void>;
}

/** Where a provider's start-up check says what it found. */
export interface HostCheckLog {
  info(message: string): void;
  warn(message: string): void;
}

/** What a provider can run here and now: service-info advertises the union, nothing more. */
export interface ProviderCapabilities {
  /** Workflow type → the versions of it this provider runs. */
  workflowTypeVersions: Record<string, string[]>;
  /** Engine → the installed versions that answered. */
  engineVersions: Record<string, string[]>;
  filesystemProtocols: string[];
}

/**
 * One job of a run as its engine reports it (docs/design.md, "Tasks"): read from the engine's own
 * structured report, never guessed.
 */
export interface TaskReport {
  /** Unique within the run and the same in every report: the engine's job id or name. */
  id: string;
  /** Where the job first appears in the engine's report: the run's tasks list in this order. */
  seq: number;
  /**
   * How many of the engine's messages about the job this report is built from. The engine's report
   * only grows, so this grows as the job goes, and an older report never replaces a newer one.
   */
  version: number;
  name: string;
  state: WesState;
  /** ISO 8601. */
  startTime?: string;
  endTime?: string;
  exitCode?: number;
  cmd?: string[];
  /** Paths of the job's own log files on the engine's host. */
  stdout?: string;
  stderr?: string;
  systemLogs: string[];
}

export interface Provider {
  /** The kind of backend (`simulated`, `local`, ...); a provider's name is its configuration's. */
  readonly kind: string;
  /** How often the poll activity asks for status. */
  readonly pollIntervalMs: number;
  /**
   * Its runs live on the host that launched them (a local process): everything after submission
   * goes to that host's task queue.
   */
  readonly hostBound?: boolean;
  capabilities(): Promise<ProviderCapabilities>;
  /**
   * Optional: at a worker's start, whether this host can run it (throws, saying how to fix it, when
   * not); `name` is the provider's. The local provider checks its sandbox here.
   */
  checkHost?(name: string, log: HostCheckLog): Promise<void>;
  /** Throws InvalidRunRequestError when this provider cannot run the request. */
  validate(request: WesRunRequest): void;
  /**
   * Optional: what `prepare` will install on this host before the run can start (`snakemake
   * 7.32.4`, a version's first use), for the run's log to say so first; undefined when nothing.
   */
  pendingInstall?(run: ProviderRun): Promise<string | undefined>;
  /** Provider-specific staging in the run's work dir. */
  prepare(run: ProviderRun, context: OperationContext): Promise<void>;
  /** Starts the run, or finds the one already started for `run.runId`; returns its external id. */
  submit(run: ProviderRun): Promise<string>;
  status(run: ProviderRun): Promise<ProviderStatus>;
  /**
   * Optional: resolves when the run's status may have changed, or after `maxMs` (or when `signal`
   * aborts). Without it, the poll asks for status every `pollIntervalMs`.
   */
  statusChanged?(run: ProviderRun, maxMs: number, signal: AbortSignal): Promise<void>;
  /** Asks the backend to stop the run; a run that already ended is left as it ended. */
  cancel(run: ProviderRun): Promise<void>;
  /** Only a backend whose runs can wait for input has it; without it, resuming is rejected. */
  resume?(run: ProviderRun, input: ResumeInput): Promise<void>;
  results(run: ProviderRun): Promise<RunResults>;
  /** Optional: the run's jobs as its engine reports them, so far; asked while the run goes and once at its end. */
  tasks?(run: ProviderRun): Promise<TaskReport[]>;
  /** Removes what the backend left behind for this run (it may never have been submitted). */
  cleanup(run: ProviderRun): Promise<void>;
}
