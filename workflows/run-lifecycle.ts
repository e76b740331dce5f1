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
 * submission at once and cancels it at its provider after; so does the run's time limit, which then
 * fails it as timed out. The ledger, handlers, continue-as-new and close are the skeleton's
 * (LedgeredWorkflow). Deterministic code only.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  workflowInfo,
} from '@temporalio/workflow';
import { providerActivities, selectProvider, type ProviderActivities } from './activity-stubs';
import { LedgeredWorkflow, type LedgerView, type Refusal, type Resumable } from './ledgered-workflow';
import type { RunLedger } from './run-ledger';
import { NOT_AWAITING_INPUT, RUN_CANCELLED_BY_PROVIDER } from '../domain/messages';
import type {
  PollingState,
  ProviderNews,
  ResumeInput,
  RunInput,
  RunLog,
  RunRef,
  RunSnapshot,
  Submission,
  WesRunRequest,
} from '../domain/run-types';
import { isTerminal, type FailureReason, type TransitionType } from '../domain/state-machine';
import { failureMessage, failureReasonOf } from './failures';
import { providerTaskQueue } from '../domain/task-queues';
import { commandSummaries as says, whereItRuns, type RunStory } from '../domain/run-story';
import { runProgress } from '../domain/run-progress';
import { isCurrentRunType, patchedBeforeV5 } from './versioning';

/**
 * Since QUEUED_AT_PROVIDER a run its provider holds queued is recorded with a `queue` transition,
 * which shows it QUEUED (docs/design.md, "WES states"); runs that saw the provider's QUEUED before
 * it recorded a `step` and showed RUNNING, and replay so.
 */
const QUEUED_AT_PROVIDER = 'queued-at-provider';

export class RunLifecycle implements Resumable {
  private readonly workflow: LedgeredWorkflow;
  private request: WesRunRequest;
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
    const carried = continued && { ledger: continued.record, projection: continued.projection, deadline: continued.deadline };
    this.workflow = new LedgeredWorkflow(input, input.timeout, carried);
    this.request = input.request;
    this.seen = continued?.polling ?? { state: 'RUNNING', unreachable: false };
    this.beforeSubmission = new CancellationScope();
    this.workflow.describeWith(() => this.progress());
    this.listen();
  }

  async run(): Promise<RunSnapshot> {
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
        const provider =
          this.input.provider ?? (await selectProvider.executeWithOptions({ summary: says.chooseProvider(this.story()) }, [this.input]));
        // Most runs are prepared in a moment: the read model hears of `starting` from the activity,
        // and only if the preparation lasts, instead of with a write that holds up every run. Since
        // wesRunV5 Temporal's search attributes, set at the start, stay QUEUED until submission too,
        // instead of an upsert in every run's history.
        this.workflow.record(
          (ledger) => {
            ledger.provider = provider;
            ledger.activityQueue = providerTaskQueue(workflowInfo().taskQueue, provider);
            ledger.transition('init');
          },
          { project: false, attributes: !isCurrentRunType() },
        );
        const submission = await this.prepare();
        if (submission) return submission;
        this.transition('wait', { reason: 'approval required' });
        const given = await this.nextResumeInput();
        this.transition('resume', { input: given });
        // What the approver gives completes or overrides the run's parameters.
        this.request = { ...this.request, workflow_params: { ...this.request.workflow_params, ...given } };
        return await this.activities.submitRun.executeWithOptions({ summary: says.submit(this.story()) }, [this.ref()]);
      });
    } catch (err) {
      if (!isCancellation(err) || this.cancelReason === undefined) throw err;
      this.endCancelled();
      return undefined;
    }
  }

  /**
   * startRun, and submitted too unless the run waits for approval. A provider that must install
   * something first (an engine version's first use on its host) says so at once: the run's log
   * says it, while the run is INITIALIZING, before the install begins.
   */
  private async prepare(): Promise<Submission | undefined> {
    const submit = !this.input.requireApproval;
    const summary = submit ? says.submit(this.story()) : says.prepare(this.story());
    const startRun = this.activities.startRun;
    const started = await startRun.executeWithOptions({ summary }, [
      this.ref(),
      { submit, starting: this.workflow.reserve(), announceInstall: true },
    ]);
    if (started === undefined || !('installing' in started)) return started;
    this.workflow.record((ledger) => ledger.appendSystemLog(`installing ${started.installing}`));
    // Asked without announceInstall, the activity installs what it must and goes on.
    const installing = { summary: says.install(this.story(), started.installing) };
    return (await startRun.executeWithOptions(installing, [this.ref(), { submit }])) as Submission | undefined;
  }

  private submitted({ externalId, hostQueue }: Submission): void {
    this.workflow.record((ledger) => {
      ledger.externalId = externalId;
      if (hostQueue) ledger.activityQueue = hostQueue;
      // A resumed approval gate has already moved the run to running.
      if (ledger.state === 'starting') ledger.transition('step', { external_id: externalId });
    });
  }

  /** running ⇄ awaiting_input: takes the provider's news until the run ends. */
  private async follow(): Promise<boolean> {
    const following = new CancellationScope();
    void this.cancelAtProviderWhenAsked(following);
    for (;;) {
      if (this.shouldContinueAsNew()) return false;
      const news = await following
        .run(() =>
          this.activities.awaitRunChange.executeWithOptions({ summary: says.follow(this.providerName, this.ledger.externalId) }, [
            this.ref(),
            this.seen,
          ]),
        )
        // Cancelled because the run ended otherwise (its cancel at the provider failed).
        .catch((err: unknown) => (isCancellation(err) && isTerminal(this.ledger.state) ? undefined : Promise.reject(err)));
      if (news === undefined || (await this.take(news))) return true;
    }
  }

  /** Records what the provider reported; true when the run has ended. */
  private async take(news: ProviderNews): Promise<boolean> {
    if (news.unreachable !== undefined || this.seen.unreachable) return this.reachability(news);
    if (news.state === this.seen.state) return false;
    this.seen = { state: news.state, unreachable: false };
    const { results, cleaned } = news;
    if (results || cleaned) {
      this.workflow.record((ledger) => {
        // The provider's log of the run, after what this run's own system log already says.
        if (results) ledger.log = withSystemLogs(results.log, ledger.log.system_logs);
        if (cleaned) ledger.cleaned = true;
      });
    }
    switch (news.state) {
      case 'COMPLETE': {
        if (news.error) return this.fail('system_error', news.error);
        const outputs = results?.outputs ?? {};
        return this.end('finish', { outputs }, (ledger) => (ledger.outputs = outputs));
      }
      case 'EXECUTOR_ERROR':
      case 'SYSTEM_ERROR':
        return this.fail(
          news.state === 'EXECUTOR_ERROR' ? 'executor_error' : 'system_error',
          news.detail ?? `provider '${this.ledger.provider ?? 'none'}' reported ${news.state}`,
        );
      case 'CANCELED':
        return this.endCancelled();
      case 'PAUSED':
        return this.pause();
      default: {
        const type = news.state === 'QUEUED' && patchedBeforeV5(QUEUED_AT_PROVIDER) ? 'queue' : 'step';
        const payload = { provider_state: news.state, ...(news.detail ? { detail: news.detail } : {}) };
        this.workflow.record((ledger) => {
          ledger.preempted = news.state === 'PREEMPTED';
          ledger.transition(type, payload);
        });
        return false;
      }
    }
  }

  /** The provider paused the run: wait for input (or a cancel, which the provider then confirms). */
  private async pause(): Promise<false> {
    if (this.ledger.state !== 'awaiting_input') this.transition('wait', { provider_state: 'PAUSED' });
    const given = await this.nextResumeInput().catch((err: unknown) => (isCancellation(err) ? undefined : Promise.reject(err)));
    if (given !== undefined) {
      this.transition('resume', { input: given });
      await this.activities.resumeRun.executeWithOptions({ summary: says.resume(this.providerName) }, [this.ref(), given]);
      this.seen = { state: 'RUNNING', unreachable: false };
      this.workflow.showProgress();
    }
    return false;
  }

  /** A provider outage is logged, not fatal: polling goes on until it answers again. */
  private reachability(news: ProviderNews): Promise<boolean> | false {
    const provider = `provider '${this.ledger.provider ?? 'none'}'`;
    if (news.unreachable !== undefined) {
      this.seen = { ...this.seen, unreachable: true };
      this.appendSystemLog(`${new Date().toISOString()} ${provider} unreachable, still polling: ${news.unreachable}`);
      return false;
    }
    this.seen = { ...this.seen, unreachable: false };
    this.appendSystemLog(`${new Date().toISOString()} ${provider} reachable again`);
    return this.take(news);
  }

  /** After submission a cancel goes to the provider, whose confirmation ends the run. */
  private async cancelAtProviderWhenAsked(following: CancellationScope): Promise<void> {
    await condition(() => this.cancelReason !== undefined || isTerminal(this.ledger.state));
    if (isTerminal(this.ledger.state)) return;
    this.workflow.record((ledger) => (ledger.canceling = true));
    try {
      await this.activities.cancelRun.executeWithOptions({ summary: says.cancel(this.providerName) }, [this.ref()]);
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
        const { provider, externalId } = this.ledger;
        await this.activities.cleanupRun.executeWithOptions({ summary: says.cleanUp(this.providerName) }, [
          { runId: this.input.runId, provider, request: this.request, externalId },
        ]);
        this.workflow.record((ledger) => (ledger.cleaned = true));
      } catch (err) {
        this.appendSystemLog(`cleanup failed: ${failureMessage(err)}`);
      }
    }
    await this.workflow.settled();
  }

  /** Cancelled: Canceled when Temporal asked, Failed (RUN_CANCELLED_BY_PROVIDER) when the provider did it unasked. */
  private close(): RunSnapshot {
    return this.workflow.close((snapshot) => {
      if (this.cancelledInTemporal) return new CancelledFailure(this.cancelReason);
      const message = `cancelled by provider '${this.ledger.provider ?? 'none'}'`;
      return ApplicationFailure.create({ type: RUN_CANCELLED_BY_PROVIDER, message, nonRetryable: true, details: [snapshot] });
    });
  }

  /** Not while cancelling, nor while a handler waits: the run's own progress is what finishes it. */
  private shouldContinueAsNew(): boolean {
    return this.workflow.historyIsLong() && this.cancelReason === undefined && allHandlersFinished();
  }

  private continueAsNew(): Promise<never> {
    return this.workflow.continueAsNew(({ ledger, deadline, projection }): RunInput => ({
      ...this.input,
      request: this.request,
      continued: { record: ledger, deadline, projection, polling: this.seen },
    }));
  }

  /** Handlers, Temporal's cancel and the time limit, before the run's first await. */
  private listen(): void {
    this.workflow.listen(this);
    CancellationScope.current().cancelRequested.catch(() => {
      this.cancelledInTemporal = true;
      this.requestCancel('cancel requested');
    });
    const left = this.workflow.timeLeft();
    if (left !== undefined) void this.timeOutAtDeadline(left);
  }

  refusal(): Refusal | undefined {
    if (this.waitingForInput()) return undefined;
    const state = `${this.ledger.state}${this.cancelReason ? ' (cancelling)' : ''}`;
    return { type: NOT_AWAITING_INPUT, message: `run ${this.input.runId} is ${state}, not awaiting input` };
  }

  give(input: ResumeInput): () => boolean {
    this.resumeInput = input;
    return () => this.ledger.state !== 'awaiting_input';
  }

  private async timeOutAtDeadline(left: number): Promise<void> {
    const limit = { summary: says.timeLimit(String(this.input.timeout)) };
    const ended = await CancellationScope.nonCancellable(() => condition(() => isTerminal(this.ledger.state), Math.max(left, 1), limit));
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

  private get ledger(): LedgerView {
    return this.workflow.view;
  }

  /** What the Temporal UI says of the run: its summaries' parts (domain/run-story.ts). */
  private story(): RunStory {
    return { request: this.request, provider: this.ledger.provider, engine: this.input.engine, owner: this.input.owner };
  }

  private get providerName(): string {
    return this.ledger.provider ?? 'its provider';
  }

  /** The run's current details in the Temporal UI (domain/run-progress.ts). */
  private progress(): string {
    const { ledger } = this;
    const atProvider = ledger.externalId !== undefined;
    return runProgress({
      runId: this.input.runId,
      wesState: ledger.wesState,
      at: whereItRuns(this.story()),
      externalId: ledger.externalId,
      ...(atProvider ? { providerState: this.seen.state, unreachable: this.seen.unreachable } : {}),
      ...(ledger.state === 'awaiting_input' ? { waitsFor: atProvider ? 'input' : 'approval' } : {}),
      error: ledger.error,
      outputs: Object.keys(ledger.outputs).length,
    });
  }

  /** The provider's activities on the queue the ledger names: the provider's own, or its host's once submitted. */
  private get activities(): ProviderActivities {
    return providerActivities(this.ledger.activityQueue, this.input.providerRetry);
  }

  private ref(): RunRef {
    const { provider } = this.ledger;
    if (provider === undefined) throw new Error(`run ${this.input.runId}: its provider is not chosen yet`);
    return {
      runId: this.input.runId,
      owner: this.input.owner,
      provider,
      request: this.request,
      externalId: this.ledger.externalId,
    };
  }

  private transition(type: TransitionType, payload?: Record<string, unknown>): void {
    this.workflow.record((ledger) => ledger.transition(type, payload));
  }

  private appendSystemLog(line: string): void {
    this.workflow.record((ledger) => ledger.appendSystemLog(line));
  }

  private end(type: 'finish' | 'cancelled', payload: Record<string, unknown>, change?: (ledger: RunLedger) => void): true {
    this.workflow.record((ledger) => {
      change?.(ledger);
      // The provider may finish a run while it waits for input: the run leaves its pause first.
      if (type === 'finish' && ledger.state === 'awaiting_input') ledger.transition('step', { provider_state: 'COMPLETE' });
      ledger.transition(type, payload);
    });
    return true;
  }

  /** Cancelled as asked, or, when it was the time limit that asked, failed as timed out. */
  private endCancelled(): true {
    if (this.timedOut) return this.fail('timed_out', this.cancelReason ?? "the run's time limit was reached");
    return this.end('cancelled', { reason: this.cancelReason ?? `cancelled by provider '${this.ledger.provider ?? 'none'}'` });
  }

  private fail(reason: FailureReason, error: string): true {
    if (isTerminal(this.ledger.state)) return true;
    this.workflow.record((ledger) => ledger.fail(reason, error));
    return true;
  }
}

function withSystemLogs(log: RunLog, earlier: string[] = []): RunLog {
  const system_logs = [...earlier, ...(log.system_logs ?? [])];
  return system_logs.length > 0 ? { ...log, system_logs } : log;
}
