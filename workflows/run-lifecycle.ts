/**
 * One GA4GH WES run from acceptance to its end (docs/design.md, "The run lifecycle"):
 *
 *   start   queued → starting: provider chosen, run prepared and, without an approval gate,
 *           submitted, all in one activity; with a gate, awaiting_input until resumed, then submitted
 *   follow  running ⇄ awaiting_input: one long activity per change the provider reports;
 *           continues as new when the history grows
 *   end     succeeded | failed | cancelled, cleaned up, closed as Completed, Failed or Canceled
 *
 * Cancel (from the API, the Web UI or the CLI: all are Temporal's cancel) stops a run before
 * submission at once and cancels it at its provider after. Deterministic code only.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { durationMs } from './duration-ms';
import { providerActivities, selectProvider, type ProviderActivities } from './activity-stubs';
import { NOT_AWAITING_INPUT, RUN_CANCELLED_BY_PROVIDER, RUN_FAILED, resumeSignal, resumeUpdate, snapshotQuery } from './messages';
import { RunPublisher } from './run-publisher';
import { RunLedger } from './run-ledger';
import type { PollingState, ProviderNews, ResumeInput, RunInput, RunLog, RunRef, RunSnapshot, Submission, WesRunRequest } from './run-types';
import { isTerminal, type FailureReason, type TransitionType } from './state-machine';
import { failureMessage, failureReasonOf } from './failures';
import { providerTaskQueue } from './task-queues';
import { continueAsNewOnCurrentVersion } from './versioning';
import type { wesRunV4 } from './wes-run';

/** Continue as new past this many events, well below Temporal's limits (51,200 events, 50 MB). */
export const HISTORY_EVENTS_LIMIT = 1_000;

/**
 * Since QUEUED_AT_PROVIDER a run its provider holds queued is recorded with a `queue` transition,
 * which shows it QUEUED (docs/design.md, "WES states"); runs that saw the provider's QUEUED before
 * it recorded a `step` and showed RUNNING, and replay so.
 */
const QUEUED_AT_PROVIDER = 'queued-at-provider';

export class RunLifecycle {
  private readonly ledger: RunLedger;
  private readonly publisher: RunPublisher;
  private request: WesRunRequest;
  private activities: ProviderActivities;
  private readonly deadline?: number;
  /** Cancellable part of the run: everything before submission. */
  private readonly beforeSubmission: CancellationScope;
  private cancelReason?: string;
  private cancelledInTemporal = false;
  private timedOut = false;
  private resumeInput?: ResumeInput;
  /** The provider state last seen (a run the provider accepted counts as running), and whether it answered. */
  private seen: PollingState;

  constructor(private readonly input: RunInput) {
    const { continued } = input;
    this.ledger = new RunLedger(input.runId, continued?.record);
    this.publisher = new RunPublisher(this.ledger, input, continued?.projection);
    this.request = input.request;
    this.activities = providerActivities(this.ledger.activityQueue, input.providerRetry);
    this.deadline = continued ? continued.deadline : input.timeout ? Date.now() + durationMs(input.timeout) : undefined;
    this.seen = continued?.polling ?? { state: 'RUNNING', unreachable: false };
    this.beforeSubmission = new CancellationScope();
  }

  async run(): Promise<RunSnapshot> {
    this.listen();
    const ended = await CancellationScope.nonCancellable(() => this.live());
    if (!ended) return this.continueAsNew();
    await CancellationScope.nonCancellable(() => this.cleanUp());
    return this.close();
  }

  /** Until the run ends (true) or should continue in a new execution (false). */
  private async live(): Promise<boolean> {
    try {
      if (this.ledger.externalId === undefined) {
        const submission = await this.start();
        if (!submission) return true;
        this.submitted(submission);
        if (await this.take(submission.news)) return true;
      }
      return await this.follow();
    } catch (err) {
      // An activity's failure ends the run (a local activity's comes unwrapped); anything else is a
      // bug here: it fails the workflow task, to be fixed and replayed.
      if (!(err instanceof ActivityFailure || err instanceof ApplicationFailure)) throw err;
      this.fail(failureReasonOf(err), failureMessage(err));
      return true;
    }
  }

  /** queued → starting → (awaiting_input →) submitted; undefined when cancelled before submission. */
  private async start(): Promise<Submission | undefined> {
    try {
      return await this.beforeSubmission.run(async () => {
        // The API chose and checked the provider with the workers' configuration; a run started
        // otherwise (Temporal's UI or CLI) has the worker choose and check it first.
        this.ledger.provider = this.input.provider ?? (await selectProvider(this.input));
        this.useQueue(providerTaskQueue(workflowInfo().taskQueue, this.ledger.provider));
        // Most runs are prepared in a moment: the read model hears of `starting` from the activity,
        // and only if the preparation lasts, instead of with a write that holds up every run.
        this.transition('init', undefined, { project: false });
        const starting = this.publisher.reserve();
        const submission = await this.activities.startRun(this.ref(), { submit: !this.input.requireApproval, starting });
        if (submission) return submission;
        this.transition('wait', { reason: 'approval required' });
        const given = await this.nextResumeInput();
        this.transition('resume', { input: given });
        // What the approver gives completes or overrides the run's parameters.
        this.request = { ...this.request, workflow_params: { ...this.request.workflow_params, ...given } };
        return await this.activities.submitRun(this.ref());
      });
    } catch (err) {
      if (!isCancellation(err) || this.cancelReason === undefined) throw err;
      this.endCancelled();
      return undefined;
    }
  }

  private submitted({ externalId, hostQueue }: Submission): void {
    this.ledger.externalId = externalId;
    if (hostQueue) this.useQueue(hostQueue);
    // A resumed approval gate has already moved the run to running.
    if (this.ledger.state === 'starting') this.transition('step', { external_id: externalId });
    else this.publisher.publish();
  }

  /** running ⇄ awaiting_input: takes the provider's news until the run ends. */
  private async follow(): Promise<boolean> {
    const following = new CancellationScope();
    void this.cancelAtProviderWhenAsked(following);
    for (;;) {
      if (this.shouldContinueAsNew()) return false;
      const news = await following
        .run(() => this.activities.awaitRunChange(this.ref(), this.seen))
        // Cancelled because the run ended otherwise (its cancel at the provider failed).
        .catch((err) => (isCancellation(err) && isTerminal(this.ledger.state) ? undefined : Promise.reject(err)));
      if (news === undefined || (await this.take(news))) return true;
    }
  }

  /** Records what the provider reported; true when the run has ended. */
  private async take(news: ProviderNews): Promise<boolean> {
    if (news.unreachable !== undefined || this.seen.unreachable) return this.reachability(news);
    if (news.state === this.seen.state) return false;
    this.seen = { state: news.state, unreachable: false };
    // The provider's log of the run, after what this run's own system log already says.
    if (news.results) this.ledger.log = withSystemLogs(news.results.log, this.ledger.log.system_logs);
    if (news.cleaned) this.ledger.cleaned = true;
    switch (news.state) {
      case 'COMPLETE':
        if (news.error) return this.fail('system_error', news.error);
        this.ledger.outputs = news.results?.outputs ?? {};
        return this.end('finish', { outputs: this.ledger.outputs });
      case 'EXECUTOR_ERROR':
      case 'SYSTEM_ERROR':
        return this.fail(news.state === 'EXECUTOR_ERROR' ? 'executor_error' : 'system_error', news.detail ?? `provider '${this.ledger.provider}' reported ${news.state}`);
      case 'CANCELED':
        return this.endCancelled();
      case 'PAUSED':
        return this.pause();
      default:
        this.ledger.preempted = news.state === 'PREEMPTED';
        this.transition(news.state === 'QUEUED' && patched(QUEUED_AT_PROVIDER) ? 'queue' : 'step', {
          provider_state: news.state,
          ...(news.detail ? { detail: news.detail } : {}),
        });
        return false;
    }
  }

  /** The provider paused the run: wait for input (or a cancel, which the provider then confirms). */
  private async pause(): Promise<false> {
    if (this.ledger.state !== 'awaiting_input') this.transition('wait', { provider_state: 'PAUSED' });
    const given = await this.nextResumeInput().catch((err) => (isCancellation(err) ? undefined : Promise.reject(err)));
    if (given !== undefined) {
      this.transition('resume', { input: given });
      await this.activities.resumeRun(this.ref(), given);
      this.seen = { state: 'RUNNING', unreachable: false };
    }
    return false;
  }

  /** A provider outage is logged, not fatal: polling goes on until it answers again. */
  private reachability(news: ProviderNews): Promise<boolean> | false {
    const provider = `provider '${this.ledger.provider}'`;
    if (news.unreachable !== undefined) {
      this.seen = { ...this.seen, unreachable: true };
      this.ledger.appendSystemLog(`${new Date().toISOString()} ${provider} unreachable, still polling: ${news.unreachable}`);
      this.publisher.publish();
      return false;
    }
    this.seen = { ...this.seen, unreachable: false };
    this.ledger.appendSystemLog(`${new Date().toISOString()} ${provider} reachable again`);
    this.publisher.publish();
    return this.take(news);
  }

  /** After submission a cancel goes to the provider, whose confirmation ends the run. */
  private async cancelAtProviderWhenAsked(following: CancellationScope): Promise<void> {
    await condition(() => this.cancelReason !== undefined || isTerminal(this.ledger.state));
    if (isTerminal(this.ledger.state)) return;
    this.ledger.canceling = true;
    this.publisher.publish();
    try {
      await this.activities.cancelRun(this.ref());
    } catch (err) {
      this.fail(failureReasonOf(err), failureMessage(err));
      following.cancel();
    }
  }

  private async nextResumeInput(): Promise<ResumeInput> {
    await condition(() => this.resumeInput !== undefined || this.cancelReason !== undefined);
    if (this.resumeInput === undefined) throw new CancelledFailure(this.cancelReason);
    const given = this.resumeInput;
    this.resumeInput = undefined;
    return given;
  }

  /** Always, however the run ended: staged inputs and provider leftovers go; outputs and logs stay. */
  private async cleanUp(): Promise<void> {
    if (!this.ledger.cleaned) {
      try {
        await this.activities.cleanupRun({ runId: this.input.runId, provider: this.ledger.provider, request: this.request, externalId: this.ledger.externalId });
        this.ledger.cleaned = true;
      } catch (err) {
        this.ledger.appendSystemLog(`cleanup failed: ${failureMessage(err)}`);
      }
      this.publisher.publish();
    }
    await this.publisher.settled();
  }

  /** How the workflow closes tells the truth in Temporal's UI: Completed, Failed or Canceled. */
  private close(): RunSnapshot {
    const snapshot = this.ledger.snapshot();
    if (this.ledger.state === 'failed') {
      throw ApplicationFailure.create({ type: RUN_FAILED, message: snapshot.error, nonRetryable: true, details: [snapshot] });
    }
    if (this.ledger.state === 'cancelled') {
      if (this.cancelledInTemporal) throw new CancelledFailure(this.cancelReason);
      throw ApplicationFailure.create({ type: RUN_CANCELLED_BY_PROVIDER, message: `cancelled by provider '${this.ledger.provider}'`, nonRetryable: true, details: [snapshot] });
    }
    return snapshot;
  }

  private shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const long = info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_LIMIT;
    return long && this.cancelReason === undefined && allHandlersFinished();
  }

  private async continueAsNew(): Promise<never> {
    const continued = { record: this.ledger.carryOver(), deadline: this.deadline, projection: this.publisher.cursor(), polling: this.seen };
    return continueAsNewOnCurrentVersion<typeof wesRunV4>({ ...this.input, request: this.request, continued });
  }

  private listen(): void {
    setHandler(snapshotQuery, () => this.ledger.snapshot());
    setHandler(resumeSignal, (given) => {
      if (this.waitingForInput()) this.resumeInput = given ?? {};
    });
    setHandler(
      resumeUpdate,
      async (given) => {
        this.resumeInput = given ?? {};
        await condition(() => this.ledger.state !== 'awaiting_input');
        return this.ledger.snapshot();
      },
      {
        validator: (_given) => {
          if (this.waitingForInput()) return;
          const state = `${this.ledger.state}${this.cancelReason ? ' (cancelling)' : ''}`;
          throw ApplicationFailure.create({ type: NOT_AWAITING_INPUT, message: `run ${this.input.runId} is ${state}, not awaiting input`, nonRetryable: true });
        },
      },
    );
    CancellationScope.current().cancelRequested.catch(() => {
      this.cancelledInTemporal = true;
      this.requestCancel('cancel requested');
    });
    if (this.deadline !== undefined) void this.timeOutAtDeadline(this.deadline);
  }

  private async timeOutAtDeadline(deadline: number): Promise<void> {
    const ended = await CancellationScope.nonCancellable(() => condition(() => isTerminal(this.ledger.state), Math.max(deadline - Date.now(), 1)));
    if (ended) return;
    this.timedOut = true;
    this.requestCancel(`the run's time limit of ${String(this.input.timeout)} was reached`);
  }

  private requestCancel(reason: string): void {
    if (this.cancelReason !== undefined || isTerminal(this.ledger.state)) return;
    this.cancelReason = reason;
    if (this.ledger.externalId === undefined) this.beforeSubmission.cancel();
  }

  private waitingForInput(): boolean {
    return this.ledger.state === 'awaiting_input' && this.resumeInput === undefined && this.cancelReason === undefined;
  }

  private useQueue(taskQueue: string): void {
    this.ledger.activityQueue = taskQueue;
    this.activities = providerActivities(taskQueue, this.input.providerRetry);
  }

  private ref(): RunRef {
    return { runId: this.input.runId, owner: this.input.owner, provider: this.ledger.provider!, request: this.request, externalId: this.ledger.externalId };
  }

  /** The one way a transition is made: entered in the ledger, then published. */
  private transition(type: TransitionType, payload?: Record<string, unknown>, options?: { project: boolean }): void {
    this.ledger.transition(type, payload);
    this.publisher.publish(options);
  }

  private end(type: 'finish' | 'cancelled', payload: Record<string, unknown>): true {
    // The provider may finish a run while it waits for input: the run leaves its pause first.
    if (type === 'finish' && this.ledger.state === 'awaiting_input') this.ledger.transition('step', { provider_state: 'COMPLETE' });
    this.transition(type, payload);
    return true;
  }

  /** Cancelled as asked, or, when it was the time limit that asked, failed as timed out. */
  private endCancelled(): true {
    if (this.timedOut) return this.fail('timed_out', this.cancelReason!);
    return this.end('cancelled', { reason: this.cancelReason ?? `cancelled by provider '${this.ledger.provider}'` });
  }

  private fail(reason: FailureReason, error: string): true {
    if (isTerminal(this.ledger.state)) return true;
    this.ledger.fail(reason, error);
    this.publisher.publish();
    return true;
  }
}

function withSystemLogs(log: RunLog, earlier: string[] = []): RunLog {
  const system_logs = [...earlier, ...(log.system_logs ?? [])];
  return system_logs.length > 0 ? { ...log, system_logs } : log;
}
