/**
 * The skeleton a run (RunLifecycle) and a task (TaskExecution) share (docs/design.md, "One skeleton
 * for runs and tasks"): the ledger, whose every change is published; the resume signal and update
 * and the snapshot query, registered before the first await, the update with its validator; the
 * time limit, fixed once and carried across executions; the continue-as-new test and hand-over,
 * after every handler has finished; and how the workflow closes. The owner keeps what differs: a
 * run's phases at its provider, a task's steps. Deterministic code only.
 */
import { ApplicationFailure, allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { durationMs } from './duration-ms';
import { RUN_FAILED, resumeSignal, resumeUpdate, snapshotQuery } from '../domain/messages';
import { RunLedger } from './run-ledger';
import { RunPublisher, type PublishOptions } from './run-publisher';
import type { CarriedLedger, ProjectionCursor, PublishedRun, ResumeInput, RunSnapshot } from '../domain/run-types';
import { continueAsNewOnCurrentVersion } from './versioning';

/** Continue as new past this many events, well below Temporal's limits (51,200 events, 50 MB). */
export const HISTORY_EVENTS_LIMIT = 1_000;

/** Why a resume input is refused: the update fails with this error type and message. */
export interface Refusal {
  type: string;
  message: string;
}

/** The owner's part of a resume, by signal (ignored when refused) or by update (failed when refused). */
export interface Resumable {
  refusal(input: ResumeInput): Refusal | undefined;
  /** Hands over an input not refused; the returned test holds once the workflow has acted on it. */
  give(input: ResumeInput): () => boolean;
}

/** What an execution takes over from the one before it, and hands to the next. */
export interface Carried {
  ledger: CarriedLedger;
  projection: ProjectionCursor;
  /** Epoch ms of the time limit, fixed when the first execution started. */
  deadline?: number;
}

/** The ledger as its owner reads it: every change goes through `LedgeredWorkflow.record`. */
export type LedgerView = Omit<Readonly<RunLedger>, 'transition' | 'fail' | 'appendSystemLog'>;

export class LedgeredWorkflow {
  private readonly ledger: RunLedger;
  private readonly publisher: RunPublisher;
  private readonly deadline?: number;

  constructor(input: PublishedRun & { runId: string }, timeout: Duration | undefined, carried: Carried | undefined) {
    this.ledger = new RunLedger(input.runId, carried?.ledger);
    this.publisher = new RunPublisher(this.ledger, input, carried?.projection);
    this.deadline = carried ? carried.deadline : timeout ? Date.now() + durationMs(timeout) : undefined;
  }

  get view(): LedgerView {
    return this.ledger;
  }

  /**
   * The one way the ledger changes: `change`, then publishing the ledger as it stands at the end of
   * this activation (RunPublisher coalesces), to the read model unless not `project`, to Temporal's
   * search attributes unless not `attributes`.
   */
  record(change: (ledger: RunLedger) => void, options?: PublishOptions): void {
    change(this.ledger);
    this.publisher.publish(options);
  }

  /** A task's `WesProvider` search attribute: the provider of the child run it started last (RunPublisher). */
  showProvider(provider: string): void {
    this.publisher.showProvider(provider);
  }

  /**
   * The run's current details in Temporal's UI, as `describe` tells them: set now, at the end of
   * every activation that changed the ledger, and whenever the owner calls `showProgress`.
   */
  describeWith(describe: () => string): void {
    this.publisher.describeWith(describe);
  }

  /** Something the current details tell changed outside the ledger (a task's steps). */
  showProgress(): void {
    this.publisher.showDetails();
  }

  /** A numbered projection, not sent, for a long activity to write (RunPublisher.reserve). */
  reserve(): ReturnType<RunPublisher['reserve']> {
    return this.publisher.reserve();
  }

  /** Resolves once every projection asked for so far is in the read model. */
  settled(): Promise<void> {
    return this.publisher.settled();
  }

  /**
   * Registers the handlers; the owner calls it last in its constructor, before the workflow's first
   * await: a signal or update buffered since the start is delivered as its handler is set.
   */
  listen(resumable: Resumable): void {
    setHandler(snapshotQuery, () => this.ledger.snapshot());
    setHandler(resumeSignal, (input) => {
      if (resumable.refusal(input ?? {}) === undefined) resumable.give(input ?? {});
    });
    // A client may send no argument at all, whatever the definition's type says: that is no input.
    setHandler(
      resumeUpdate,
      async (input: ResumeInput | undefined) => {
        await condition(resumable.give(input ?? {}));
        return this.ledger.snapshot();
      },
      {
        validator: (input: ResumeInput | undefined) => {
          const refusal = resumable.refusal(input ?? {});
          if (refusal) throw ApplicationFailure.create({ ...refusal, nonRetryable: true });
        },
      },
    );
  }

  /** Milliseconds until the time limit (zero or less once it has passed); undefined without one. */
  timeLeft(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  /** Whether the history is long enough to continue as new: Temporal suggests it, or it passed HISTORY_EVENTS_LIMIT. */
  historyIsLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_LIMIT;
  }

  /** Once every handler has finished, continues as new with the input `next` makes of what is carried. */
  async continueAsNew(next: (carried: Carried) => unknown): Promise<never> {
    await condition(allHandlersFinished);
    const carried = { ledger: this.ledger.carryOver(), projection: this.publisher.cursor(), deadline: this.deadline };
    return continueAsNewOnCurrentVersion(next(carried));
  }

  /**
   * How the workflow closes tells the truth in Temporal's UI: Completed with the snapshot, Failed
   * (RUN_FAILED, the snapshot in its details), or, cancelled, with the error `cancelled` makes.
   */
  close(cancelled: (snapshot: RunSnapshot) => Error): RunSnapshot {
    const snapshot = this.ledger.snapshot();
    if (this.ledger.state === 'failed') {
      throw ApplicationFailure.create({ type: RUN_FAILED, message: snapshot.error, nonRetryable: true, details: [snapshot] });
    }
    if (this.ledger.state === 'cancelled') throw cancelled(snapshot);
    return snapshot;
  }
}
