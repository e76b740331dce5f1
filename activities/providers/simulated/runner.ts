/**
 * A provider that runs nothing: each run's behaviour is chosen by its `workflow_params`, so tests
 * and benchmarks can drive every path of the lifecycle. Its state is a file in the run's work dir
 * and its clock is the wall clock, so it survives worker restarts like a real backend would.
 *
 * workflow_params:
 *   outcome        COMPLETE (default) | EXECUTOR_ERROR | SYSTEM_ERROR
 *   queued_ms      how long the run waits QUEUED once submitted, before it starts (default 0)
 *   duration_ms    how long the run takes once started (default 1000)
 *   pause_at_ms    pause (WES PAUSED) after this long, until resumed
 *   prepare_ms     how long preparation takes (default 0)
 *   submit_errors  fail the first N submit calls as connection errors
 *   reject_submit  reject the submission as the backend's API would
 *   outputs        the outputs to report on success
 *   preempt_every_ms   preempted for the second half of every such period while it runs
 *   time_scale     simulated milliseconds per real one (default 1): a month-long run in seconds
 *   unreachable_from_ms, unreachable_for_ms   status calls fail as connection errors in this
 *                  window of real time after submission
 *
 * Durations are in simulated time (see time_scale) unless said otherwise.
 */
import path from 'node:path';
import { z } from 'zod';
import { InvalidRunRequestError, ProviderRejectedError } from '../../errors';
import type { OperationContext, Provider, ProviderCapabilities } from '../provider';
import type { SimulatedSettings } from './settings';
import { describeIssues } from '../../schema-issues';
import { readJsonIfExists, writeFileAtomic } from '../../work-dir';
import { isTerminalWesState } from '../../../domain/wes-state';
import type { ProviderRun, ProviderState, ProviderStatus, ResumeInput, RunResults, WesRunRequest } from '../../../domain/run-types';

// Durations in simulated milliseconds; the defaults are a run that completes after a second.
const duration = () => z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' });
const simulatedParams = z
  .object({
    outcome: z.enum(['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR']).default('COMPLETE'),
    queued_ms: duration().default(0),
    duration_ms: duration().default(1000),
    pause_at_ms: duration().optional(),
    prepare_ms: duration().default(0),
    submit_errors: duration().default(0),
    reject_submit: z.boolean().default(false),
    outputs: z.record(z.string(), z.unknown()).default({}),
    preempt_every_ms: duration().optional(),
    time_scale: duration().optional(),
    unreachable_from_ms: duration().optional(),
    unreachable_for_ms: duration().default(0),
  })
  .transform((p) => ({
    outcome: p.outcome,
    queuedMs: p.queued_ms,
    durationMs: p.duration_ms,
    pauseAtMs: p.pause_at_ms,
    prepareMs: p.prepare_ms,
    submitErrors: p.submit_errors,
    rejectSubmit: p.reject_submit,
    outputs: p.outputs,
    // 0 means none, as absent does.
    preemptEveryMs: p.preempt_every_ms === 0 ? undefined : p.preempt_every_ms,
    timeScale: p.time_scale === undefined || p.time_scale === 0 ? 1 : p.time_scale,
    unreachableFromMs: p.unreachable_from_ms,
    unreachableForMs: p.unreachable_for_ms,
  }));
type SimulatedParams = z.output<typeof simulatedParams>;

interface SimulatedState {
  failedSubmits: number;
  submissions: number;
  submittedAt?: number;
  resumedAt?: number;
  resumeInput?: ResumeInput;
  cancelledAt?: number;
}

export function parseSimulatedParams(request: WesRunRequest): SimulatedParams {
  const parsed = simulatedParams.safeParse(request.workflow_params ?? {});
  if (parsed.success) return parsed.data;
  throw new InvalidRunRequestError(`simulated: workflow_params: ${describeIssues(parsed.error)}`);
}

// Any workflow type runs: the simulated backend reads only its parameters.
export const SIMULATED_CAPABILITIES: ProviderCapabilities = {
  workflowTypeVersions: { SIMULATED: ['1'] },
  engineVersions: {},
  filesystemProtocols: [],
};

export class SimulatedProvider implements Provider {
  readonly kind = 'simulated';

  readonly pollIntervalMs: number;

  constructor(settings: SimulatedSettings) {
    this.pollIntervalMs = settings.pollIntervalMs;
  }

  async capabilities(): Promise<ProviderCapabilities> {
    return SIMULATED_CAPABILITIES;
  }

  validate(request: WesRunRequest): void {
    parseSimulatedParams(request);
  }

  async prepare(run: ProviderRun, context: OperationContext): Promise<void> {
    const { prepareMs } = parseSimulatedParams(run.request);
    const until = Date.now() + prepareMs;
    while (Date.now() < until) {
      context.heartbeat();
      await context.sleep(Math.min(200, until - Date.now()));
    }
  }

  async submit(run: ProviderRun): Promise<string> {
    const params = parseSimulatedParams(run.request);
    const state = await this.load(run);
    if (state.submittedAt === undefined) {
      if (params.rejectSubmit) throw new ProviderRejectedError('simulated backend rejected the run (reject_submit)');
      if (state.failedSubmits < params.submitErrors) {
        await this.save(run, { ...state, failedSubmits: state.failedSubmits + 1 });
        throw new Error(`simulated connection error ${state.failedSubmits + 1} of ${params.submitErrors}`);
      }
      await this.save(run, { ...state, submissions: state.submissions + 1, submittedAt: Date.now() });
    }
    return `sim-${run.runId}`;
  }

  async status(run: ProviderRun): Promise<ProviderStatus> {
    const params = parseSimulatedParams(run.request);
    const state = await this.load(run);
    const now = Date.now();
    const sinceSubmission = state.submittedAt === undefined ? undefined : now - state.submittedAt;
    const outage = params.unreachableFromMs;
    if (
      sinceSubmission !== undefined &&
      outage !== undefined &&
      sinceSubmission >= outage &&
      sinceSubmission < outage + params.unreachableForMs
    ) {
      throw new Error('simulated connection refused (unreachable_from_ms)');
    }
    return { state: this.stateAt(params, state, now) };
  }

  async cancel(run: ProviderRun): Promise<void> {
    const state = await this.load(run);
    const now = Date.now();
    if (isTerminalWesState(this.stateAt(parseSimulatedParams(run.request), state, now))) return;
    await this.save(run, { ...state, cancelledAt: now });
  }

  async resume(run: ProviderRun, input: ResumeInput): Promise<void> {
    const state = await this.load(run);
    if (this.stateAt(parseSimulatedParams(run.request), state, Date.now()) !== 'PAUSED') {
      throw new ProviderRejectedError('simulated run is not paused');
    }
    await this.save(run, { ...state, resumedAt: Date.now(), resumeInput: input });
  }

  async results(run: ProviderRun): Promise<RunResults> {
    const params = parseSimulatedParams(run.request);
    const state = await this.load(run);
    return {
      outputs: {
        ...params.outputs,
        received_params: run.request.workflow_params ?? {},
        ...(state.resumeInput ? { resume_input: state.resumeInput } : {}),
      },
      log: {
        name: 'simulated',
        cmd: ['simulated', params.outcome],
        start_time: state.submittedAt ? new Date(state.submittedAt).toISOString() : undefined,
        exit_code: params.outcome === 'COMPLETE' ? 0 : 1,
      },
    };
  }

  async cleanup(): Promise<void> {
    // Nothing runs and nothing is left behind beyond the run's own work dir.
  }

  private stateAt(params: SimulatedParams, state: SimulatedState, now: number): ProviderState {
    if (state.submittedAt === undefined) return 'QUEUED';
    if (state.cancelledAt !== undefined) return 'CANCELED';
    const elapsed = (since: number) => (now - since) * params.timeScale;
    if (elapsed(state.submittedAt) < params.queuedMs) return 'QUEUED';
    const startedAt = state.submittedAt + params.queuedMs / params.timeScale;
    let active: number;
    if (params.pauseAtMs === undefined) active = elapsed(startedAt);
    else if (state.resumedAt === undefined) {
      if (elapsed(startedAt) >= params.pauseAtMs && params.pauseAtMs < params.durationMs) return 'PAUSED';
      active = elapsed(startedAt);
    } else active = params.pauseAtMs + elapsed(state.resumedAt);
    if (active >= params.durationMs) return params.outcome;
    const preempted = params.preemptEveryMs !== undefined && active % params.preemptEveryMs >= params.preemptEveryMs / 2;
    return preempted ? 'PREEMPTED' : 'RUNNING';
  }

  private file(run: ProviderRun): string {
    return path.join(run.workDir, 'simulated.json');
  }

  private async load(run: ProviderRun): Promise<SimulatedState> {
    return (await readJsonIfExists<SimulatedState>(this.file(run))) ?? { failedSubmits: 0, submissions: 0 };
  }

  private async save(run: ProviderRun, state: SimulatedState): Promise<void> {
    await writeFileAtomic(this.file(run), JSON.stringify(state));
  }
}
