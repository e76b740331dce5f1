/**
 * One task run (docs/tasks.md) from acceptance to its end: its steps one after another, each `run`
 * step a child run workflow (a WES run of its own, shown under the task in the Temporal UI), each
 * `wait_for_input` step a gate the task waits at in `awaiting_input`, each `parallel` step branches
 * that run side by side and join. Per step: retries, a time limit, and whether the task may go on
 * without it; for the task: a time limit. Cancelling the task cancels every branch and child run.
 * The task's own row and transitions reach the read model as a run's do, its ledger, handlers,
 * continue-as-new and close being the skeleton's (LedgeredWorkflow); its steps and branches reach it
 * as its /tasks rows (StepRows). Deterministic code only.
 */
import {
  CancellationScope,
  CancelledFailure,
  ParentClosePolicy,
  condition,
  executeChild,
  isCancellation,
  patched,
  sleep,
} from '@temporalio/workflow';
import { durationMs } from '../duration-ms';
import { selectStepProvider, shareTaskAttachments } from '../activity-stubs';
import { failureMessage, failureReasonOf } from '../failures';
import { LedgeredWorkflow, type LedgerView, type Refusal, type Resumable } from '../ledgered-workflow';
import { INVALID_RESUME_INPUT, NOT_AWAITING_INPUT } from '../../domain/messages';
import type { RunLedger } from '../run-ledger';
import type { ResumeInput, RunInput, RunSnapshot, WesRunRequest } from '../../domain/run-types';
import type { TransitionType } from '../../domain/state-machine';
import { evaluate, EXPRESSION_BUDGET, ExpressionError, type EvaluationContext, type StepContext } from '../task/expressions';
import type { Branch, ParallelStep, RunStep, Step, StepRetry, WaitForInputStep } from '../../domain/task-definition';
import { isRelativeUrl } from '../../domain/workflow-url';
import { WORKFLOW_TYPES } from '../../domain/workflow-types';
import { Gates } from './gates';
import { childFailure, StepFailed } from './step-failure';
import { StepRows } from './step-rows';
import type { TaskInput } from './task-types';
import { runDetails, runSummary } from '../../domain/run-story';
import { searchAttributesOf, WesSummaryKey } from '../../domain/search-attributes';
import { taskProgress } from '../../domain/run-progress';

/** Gates the expression budget: a task recorded before it evaluated its expressions without one. */
export const EXPRESSION_BUDGET_PATCH = 'expression-budget';
/**
 * Gates the check before a step's first child run (docs/tasks.md, "How a task runs"): its provider,
 * an expression evaluated like the rest of `run`, chosen and checked by the worker, so that a child
 * that cannot start fails its step at once; the provider chosen is the task's `WesProvider` search
 * attribute. Tasks recorded before started their children unchecked.
 */
export const CHILD_START_CHECKED_PATCH = 'child-start-checked';
/** Gates a cancel that wins: however a child ends while the task is being cancelled, its step is cancelled. */
export const CANCEL_ENDS_STEPS_PATCH = 'cancel-ends-steps';
/** Step runs are of the current run type (wesRunV5) since this; tasks begun before start wesRunV4. */
export const STEP_RUNS_V5_PATCH = 'step-runs-v5';

/** The task's own time limit passed. */
class TaskTimedOut extends Error {}

export class TaskExecution implements Resumable {
  private readonly workflow: LedgeredWorkflow;
  private readonly rows: StepRows;
  private readonly gates = new Gates();
  private readonly steps: Record<string, StepContext>;
  private readonly resumed = new Set<string>();
  private next: number;

  constructor(private readonly input: TaskInput) {
    const { continued } = input;
    this.workflow = new LedgeredWorkflow(input, input.definition.timeout, continued);
    this.rows = new StepRows(
      input.runId,
      () => this.workflow.settled(),
      continued?.rows,
      () => this.workflow.showProgress(),
    );
    this.steps = continued?.steps ?? {};
    this.next = continued?.next ?? 0;
    this.workflow.describeWith(() => this.progress());
    this.workflow.listen(this);
  }

  async run(): Promise<RunSnapshot> {
    if (!this.input.continued) {
      this.workflow.record((ledger) => {
        ledger.transition('init');
        ledger.transition('step');
      });
    }
    const ended = await this.live();
    await CancellationScope.nonCancellable(async () => {
      await this.workflow.settled();
      await this.rows.settled();
    });
    if (!ended) return this.continueAsNew();
    return this.workflow.close(() => new CancelledFailure('cancelled in Temporal'));
  }

  /** Why a resume input is refused now: no gate waits (409), or the oldest gate's schema (400). */
  refusal(input: ResumeInput): Refusal | undefined {
    if (this.gates.waiting.length === 0)
      return { type: NOT_AWAITING_INPUT, message: `task ${this.input.runId} is ${this.ledger.state}, not awaiting input` };
    const problem = this.gates.refusal(input);
    return problem === undefined ? undefined : { type: INVALID_RESUME_INPUT, message: problem };
  }

  /** To the oldest waiting gate, which is done with it once its step has logged the resume. */
  give(input: ResumeInput): () => boolean {
    const gate = this.gates.give(input);
    if (!gate) throw new Error('no step waits for input');
    return () => this.resumed.has(gate.stepId);
  }

  private get ledger(): LedgerView {
    return this.workflow.view;
  }

  /** Until the task ends (true) or should continue in a new execution (false). */
  private async live(): Promise<boolean> {
    try {
      if (await this.withinTimeLimit(() => this.topLevelSteps())) return false;
      const outputs = (await this.evaluate(this.input.definition.outputs ?? {}, ['outputs'])) as Record<string, unknown>;
      this.log('finish', { outputs }, (ledger) => (ledger.outputs = outputs));
    } catch (err) {
      this.end(err);
    }
    return true;
  }

  /** Runs the top-level steps from `next`; true when the task should continue as new first. */
  private async topLevelSteps(): Promise<boolean> {
    const { steps } = this.input.definition;
    while (this.next < steps.length) {
      await this.runStep(steps[this.next]);
      this.next++;
      if (this.next < steps.length && this.workflow.historyIsLong()) return true;
    }
    return false;
  }

  private async withinTimeLimit<T>(work: () => Promise<T>): Promise<T> {
    const left = this.workflow.timeLeft();
    if (left === undefined) return work();
    if (left <= 0) throw new TaskTimedOut();
    try {
      return await CancellationScope.withTimeout(left, work);
    } catch (err) {
      if (isCancellation(err) && !CancellationScope.current().consideredCancelled) throw new TaskTimedOut();
      throw err;
    }
  }

  /** How the task ends when its steps did not all complete. */
  private end(err: unknown): void {
    this.workflow.record((ledger) => {
      if (err instanceof TaskTimedOut) {
        ledger.fail('timed_out', `the task's time limit (${String(this.input.definition.timeout)}) has passed`);
      } else if (isCancellation(err)) {
        ledger.transition('cancelled', { reason: 'cancelled in Temporal' });
      } else if (err instanceof StepFailed) {
        ledger.fail(err.reason, err.message);
      } else if (err instanceof ExpressionError) {
        ledger.fail('executor_error', err.message);
      } else {
        // A bug here: it fails the workflow task, to be fixed and replayed.
        throw err;
      }
    });
  }

  private async runStep(step: Step, parent?: string): Promise<void> {
    this.rows.start(step.id, stepName(step), parent);
    let outcome: StepContext;
    try {
      outcome = await this.withinStepTimeLimit(step, () => this.execute(step));
    } catch (caught) {
      if (isCancellation(caught)) this.rows.end(step.id, 'CANCELED');
      // An expression that fails on the values it meets fails its step like a failed run.
      const err = caught instanceof ExpressionError ? new StepFailed(step.id, 'EXECUTOR_ERROR', 'executor_error', caught.message) : caught;
      if (!(err instanceof StepFailed)) throw err;
      this.steps[step.id] = { state: err.wesState, outputs: {} };
      this.rows.appendLog(step.id, err.message);
      this.rows.end(step.id, err.wesState);
      this.log('step', { step: step.id, state: err.wesState, error: err.message });
      if (step.continue_on_failure) return;
      throw err;
    }
    this.steps[step.id] = outcome;
    this.rows.end(step.id, 'COMPLETE', { outputs: outcome.outputs });
    this.log('step', { step: step.id, state: 'COMPLETE' });
  }

  private async withinStepTimeLimit(step: Step, work: () => Promise<StepContext>): Promise<StepContext> {
    if (step.timeout === undefined) return work();
    try {
      return await CancellationScope.withTimeout(step.timeout, work);
    } catch (err) {
      // Cancelled, but not from outside: the step's own time ran out.
      if (isCancellation(err) && !CancellationScope.current().consideredCancelled) {
        throw new StepFailed(step.id, 'EXECUTOR_ERROR', 'timed_out', `took longer than its time limit (${step.timeout})`);
      }
      throw err;
    }
  }

  private execute(step: Step): Promise<StepContext> {
    if ('run' in step) return this.runChild(step);
    if ('wait_for_input' in step) return this.waitForInput(step);
    return this.runBranches(step);
  }

  /** A child run per attempt: `<task>.<step>`, then `<task>.<step>.<attempt>`. */
  private async runChild(step: RunStep): Promise<StepContext> {
    const { request, provider } = await this.childRequest(step);
    // A relative workflow_url names a file the task came with (docs/tasks.md).
    const sharesAttachments = isRelativeUrl(request.workflow_url);
    const { retry } = step;
    const attempts = retry?.maximum_attempts ?? 1;
    let failure: StepFailed | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const runId = attempt === 1 ? `${this.input.runId}.${step.id}` : `${this.input.runId}.${step.id}.${attempt}`;
      this.rows.update(step.id, { childRunId: runId, state: 'RUNNING' });
      if (attempt > 1) this.rows.appendLog(step.id, `attempt ${attempt} of ${attempts}: run ${runId}`);
      const input: RunInput = {
        runId,
        request,
        ...(provider ? { provider } : {}),
        ...(this.input.owner ? { owner: this.input.owner } : {}),
      };
      try {
        if (sharesAttachments) {
          const summary = `share the task's attachments with run ${runId}`;
          await shareTaskAttachments.executeWithOptions({ summary }, [this.input.runId, runId]);
        }
        const { apiUrl } = this.input;
        const summary = runSummary({ request, provider, owner: this.input.owner });
        const v5 = patched(STEP_RUNS_V5_PATCH);
        // A wesRunV5 run upserts only what differs from its start (workflows/run-publisher.ts).
        const runAttributes = v5
          ? searchAttributesOf({ wesState: 'QUEUED', workflowType: request.workflow_type, provider, owner: this.input.owner })
          : [];
        const snapshot = await executeChild<(input: RunInput) => Promise<RunSnapshot>>(
          v5 ? WORKFLOW_TYPES.run : WORKFLOW_TYPES.earlierRun,
          {
            workflowId: runId,
            args: [input],
            staticSummary: summary,
            typedSearchAttributes: [...runAttributes, { key: WesSummaryKey, value: summary }],
            staticDetails: runDetails(request, apiUrl === undefined ? undefined : { runId, apiUrl }),
            // A task that ends any other way (terminated, timed out in Temporal) leaves no run behind.
            parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          },
        );
        return { state: 'COMPLETE', run_id: runId, outputs: snapshot.outputs };
      } catch (err) {
        // The task (or this step) is being cancelled; a child cancelled by someone else is a failure.
        if (isCancellation(err) && CancellationScope.current().consideredCancelled) throw err;
        // A child that ended otherwise meanwhile (terminated by hand) does not turn the cancel into a failure.
        if (CancellationScope.current().consideredCancelled && patched(CANCEL_ENDS_STEPS_PATCH))
          throw new CancelledFailure(`run ${runId} ended while its task was being cancelled: ${failureMessage(err)}`);
        failure = isCancellation(err)
          ? new StepFailed(step.id, 'CANCELED', 'executor_error', `run ${runId} was cancelled`)
          : childFailure(step.id, runId, err);
        if (attempt === attempts || !retry) break;
        this.rows.appendLog(step.id, failure.message);
        await sleep(retryDelay(retry, attempt), { summary: `retry step ${step.id}: attempt ${attempt + 1} of ${attempts}` });
      }
    }
    // Only a failed attempt breaks the loop: maximum_attempts is at least 1.
    if (failure === undefined) throw new Error(`step ${step.id}: no attempt was made`);
    throw failure;
  }

  /**
   * The request of a step's child runs, and their provider: the worker's choice and check, as for a
   * run the API takes; a step whose run cannot start fails at once, with no child and no retry
   * (every attempt would be the same request on the same configuration).
   */
  private async childRequest(step: RunStep): Promise<{ request: WesRunRequest; provider?: string }> {
    const at = ['steps', step.id, 'run'];
    if (!patched(CHILD_START_CHECKED_PATCH)) {
      const { provider, ...template } = step.run;
      return { request: (await this.evaluate(template, at)) as WesRunRequest, provider };
    }
    const { provider, ...request } = (await this.evaluate(step.run, at)) as WesRunRequest & { provider?: string };
    try {
      const chosen = await selectStepProvider.executeWithOptions({ summary: `choose the provider of step ${step.id}` }, [
        { runId: `${this.input.runId}.${step.id}`, request, provider },
      ]);
      this.workflow.showProvider(chosen);
      return { request, provider: chosen };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const reason = failureReasonOf(err);
      const state = reason === 'executor_error' ? 'EXECUTOR_ERROR' : 'SYSTEM_ERROR';
      throw new StepFailed(step.id, state, reason, `its run cannot start: ${failureMessage(err)}`);
    }
  }

  private async waitForInput(step: WaitForInputStep): Promise<StepContext> {
    const prompt = String(await this.evaluate(step.wait_for_input.prompt, ['steps', step.id, 'wait_for_input', 'prompt']));
    this.rows.update(step.id, { state: 'PAUSED', systemLogs: [prompt] });
    const input = await this.gates.wait({ stepId: step.id, prompt, schema: step.wait_for_input.schema }, (given) => {
      this.workflow.record((ledger) => this.settleWaiting(ledger));
      return condition(given);
    });
    this.log('resume', { step: step.id, input });
    this.resumed.add(step.id);
    return { state: 'COMPLETE', outputs: input };
  }

  /** Branches side by side; the first that fails cancels the others, and fails the step. */
  private async runBranches(step: ParallelStep): Promise<StepContext> {
    const scope = new CancellationScope();
    let failure: unknown;
    await scope.run(() =>
      Promise.all(
        step.parallel.branches.map(async (branch) => {
          try {
            await this.runBranch(branch, step.id);
          } catch (err) {
            failure ??= err;
            scope.cancel();
          }
        }),
      ),
    );
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a branch threw goes on as it is, as `throw err` does
    if (failure !== undefined) throw failure;
    return {
      state: 'COMPLETE',
      outputs: Object.fromEntries(step.parallel.branches.map((branch) => [branch.id, this.steps[branch.id].outputs])),
    };
  }

  /** A branch's outputs are those of its last step. */
  private async runBranch(branch: Branch, parallelStep: string): Promise<void> {
    this.rows.start(branch.id, `branch ${branch.id}`, parallelStep);
    this.log('init_branch', { branch: branch.id, step: parallelStep });
    try {
      for (const step of branch.steps) await this.runStep(step, branch.id);
    } catch (err) {
      const state = err instanceof StepFailed ? err.wesState : 'CANCELED';
      this.steps[branch.id] = { state, outputs: {} };
      this.rows.end(branch.id, state);
      this.log('finish_branch', { branch: branch.id, state });
      throw err;
    }
    const last = branch.steps.at(-1);
    this.steps[branch.id] = { state: 'COMPLETE', outputs: last ? this.steps[last.id].outputs : {} };
    this.rows.end(branch.id, 'COMPLETE', { outputs: this.steps[branch.id].outputs });
    this.log('finish_branch', { branch: branch.id, state: 'COMPLETE' });
  }

  /** The task's current details in the Temporal UI (domain/run-progress.ts). */
  private progress(): string {
    const gates = this.gates.waiting.map(({ stepId, prompt }) => ({ stepId, prompt }));
    return taskProgress({
      runId: this.input.runId,
      wesState: this.ledger.wesState,
      rows: this.rows.carryOver(),
      gates,
      error: this.ledger.error,
    });
  }

  private context(): EvaluationContext {
    return { params: this.input.params, steps: this.steps };
  }

  /** Within the budget of an expression; a history recorded before budgets replays without one. */
  private evaluate(template: unknown, at: Array<string | number>): Promise<unknown> {
    return evaluate(template, this.context(), at, patched(EXPRESSION_BUDGET_PATCH) ? EXPRESSION_BUDGET : undefined);
  }

  /** Records a transition (after `change`, if any); a task with a gate open stays awaiting input. */
  private log(type: TransitionType, payload?: Record<string, unknown>, change?: (ledger: RunLedger) => void): void {
    this.workflow.record((ledger) => {
      change?.(ledger);
      ledger.transition(type, payload);
      this.settleWaiting(ledger);
    });
  }

  /** The task is awaiting input exactly while a gate waits, whatever its branches do meanwhile. */
  private settleWaiting(ledger: RunLedger): void {
    const waiting = this.gates.waiting;
    if (waiting.length > 0 && ledger.state === 'running') {
      ledger.transition('wait', { steps: waiting.map((gate) => gate.stepId), prompt: waiting[0].prompt });
    }
  }

  private continueAsNew(): Promise<never> {
    return this.workflow.continueAsNew(({ ledger, projection, deadline }): TaskInput => ({
      ...this.input,
      continued: { ledger, projection, next: this.next, steps: this.steps, rows: this.rows.carryOver(), deadline },
    }));
  }
}

function stepName(step: Step): string {
  const kind = 'run' in step ? 'run' : 'wait_for_input' in step ? 'wait_for_input' : 'parallel';
  return `${step.id} (${kind})`;
}

/** Temporal's retry terms: `initial_interval` (1 s) times `backoff_coefficient` (2) per attempt, capped. */
function retryDelay(retry: StepRetry, attempt: number): number {
  const delay = durationMs(retry.initial_interval ?? '1s') * (retry.backoff_coefficient ?? 2) ** (attempt - 1);
  return retry.maximum_interval === undefined ? delay : Math.min(delay, durationMs(retry.maximum_interval));
}
