/**
 * Every path of the run lifecycle (docs/design.md, "The run lifecycle"), driven through the simulated provider on a
 * real Temporal dev server with the production worker wiring.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProvidersConfig } from '../activities/providers/config';
import { NOT_AWAITING_INPUT, resumeSignal, resumeUpdate } from '../domain/messages';
import type { RunSnapshot } from '../domain/run-types';
import { WesProviderKey, WesStateKey, WesWorkflowTypeKey } from '../domain/search-attributes';
import { eventually } from './support/eventually';
import { createHarness, finalSnapshot, transitionTypes, waitForSnapshot, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.stop();
});

function simulatedState(runId: string): { submissions: number; failedSubmits: number } {
  return JSON.parse(readFileSync(path.join(h.dataDir, 'runs', runId, 'simulated.json'), 'utf8'));
}

/** The WES states the run showed as search attributes, in order: the one it was started with, then those it upserted. */
async function publishedWesStates(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  const states: string[] = [];
  for (const event of history.events ?? []) {
    const attributes = event.workflowExecutionStartedEventAttributes ?? event.upsertWorkflowSearchAttributesEventAttributes;
    const fields = attributes?.searchAttributes?.indexedFields;
    const payload = fields && 'WesState' in fields ? fields.WesState.data : undefined;
    if (payload) states.push(JSON.parse(Buffer.from(payload).toString()));
  }
  return states;
}

function expectCleanEnd(snapshot: RunSnapshot) {
  expect(snapshot.cleaned).toBe(true);
  const times = snapshot.transitions.map((t) => Date.parse(t.at));
  expect(times.every((t) => !Number.isNaN(t))).toBe(true);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(snapshot.transitions.map((t) => t.seq)).toEqual(snapshot.transitions.map((_, i) => i + 1));
}

describe('a run that ends by itself', () => {
  test('succeeds with outputs, upserting search attributes on the way', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 300, outputs: { answer: 42 } } });
    const result = await finalSnapshot(handle);

    expect(result.state).toBe('succeeded');
    expect(result.wesState).toBe('COMPLETE');
    expect(transitionTypes(result)).toEqual(['init:starting', 'step:running', 'finish:succeeded']);
    expect(result.outputs).toMatchObject({ answer: 42 });
    expect(result.externalId).toBe(`sim-${handle.workflowId}`);
    expectCleanEnd(result);
    expect(simulatedState(handle.workflowId).submissions).toBe(1);

    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(WesStateKey)).toBe('COMPLETE');
    expect(attributes.get(WesProviderKey)).toBe('simulated');
    expect(attributes.get(WesWorkflowTypeKey)).toBe('SIMULATED');
    // QUEUED from the start, as the API starts a run, until it is submitted: no upsert for `starting`.
    expect(await publishedWesStates(handle)).toEqual(['QUEUED', 'RUNNING', 'COMPLETE']);

    // The read model holds the same run, projected by the worker.
    const row = await h.runStore.get(handle.workflowId);
    expect(row).toMatchObject({ state: 'succeeded', wesState: 'COMPLETE', cleaned: true, provider: 'simulated' });
    expect(row?.externalId).toBe(result.externalId);
    expect(row?.outputs).toEqual(result.outputs);
    expect(row?.endTime?.toISOString()).toBe(result.transitions.at(-1)?.at);
    expect(await h.runStore.transitions(handle.workflowId)).toEqual(result.transitions);
  });

  test('an executor failure ends as EXECUTOR_ERROR', async () => {
    const result = await finalSnapshot(await h.start({ workflow_params: { duration_ms: 100, outcome: 'EXECUTOR_ERROR' } }));
    expect(result).toMatchObject({ state: 'failed', failureReason: 'executor_error', wesState: 'EXECUTOR_ERROR' });
    expect(result.log.exit_code).toBe(1);
    expectCleanEnd(result);
  });

  test("a provider's system failure ends as SYSTEM_ERROR", async () => {
    const result = await finalSnapshot(await h.start({ workflow_params: { duration_ms: 100, outcome: 'SYSTEM_ERROR' } }));
    expect(result).toMatchObject({ state: 'failed', failureReason: 'system_error', wesState: 'SYSTEM_ERROR' });
  });
});

describe('the read model', () => {
  /** Every WES state the run's row showed, polled as fast as a client would. */
  async function rowStates(runId: string, until: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const look = async () => {
      const state = (await h.runStore.get(runId))?.wesState;
      if (state && seen.at(-1) !== state) seen.push(state);
    };
    let done = false;
    void until().finally(() => (done = true));
    await eventually(() => look().then(() => done), Boolean, { timeoutMs: 60_000, intervalMs: 20, what: `run ${runId} to end` });
    // The run may have ended after the last look.
    await look();
    return seen;
  }

  test('shows INITIALIZING while a preparation lasts, and is not written for one that does not', async () => {
    const slow = await h.start({ workflow_params: { prepare_ms: 2500, duration_ms: 500 } });
    expect(await rowStates(slow.workflowId, () => finalSnapshot(slow))).toEqual(['INITIALIZING', 'RUNNING', 'COMPLETE']);
    const quick = await h.start({ workflow_params: { duration_ms: 500 } });
    expect(await rowStates(quick.workflowId, () => finalSnapshot(quick))).toEqual(['RUNNING', 'COMPLETE']);
  });
});

describe('submission', () => {
  test('connection errors are retried, then the run succeeds with one submission', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 100, submit_errors: 2 } });
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(simulatedState(handle.workflowId)).toEqual(expect.objectContaining({ failedSubmits: 2, submissions: 1 }));
  });

  test('connection errors past the retry limit fail the run as system_error, naming the provider', async () => {
    const handle = await h.start({ workflow_params: { submit_errors: 10 } });
    const result = await finalSnapshot(handle);
    expect(result).toMatchObject({ state: 'failed', failureReason: 'system_error', wesState: 'SYSTEM_ERROR' });
    expect(result.error).toContain("provider 'simulated' submit");
    expect(result.error).toContain('connection error 3 of 10');
    expect(simulatedState(handle.workflowId)).toEqual(expect.objectContaining({ failedSubmits: 3, submissions: 0 }));
    expectCleanEnd(result);
  });

  test("the provider's rejection is not retried", async () => {
    const handle = await h.start({ workflow_params: { reject_submit: true } });
    const result = await finalSnapshot(handle);
    expect(result).toMatchObject({ state: 'failed', failureReason: 'system_error' });
    expect(result.error).toContain('rejected');
    const events = (await handle.fetchHistory()).events ?? [];
    const names = new Map(events.map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name]));
    const submitAttempts = events
      .filter((e) => names.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId)) === 'startRun')
      .map((e) => e.activityTaskStartedEventAttributes?.attempt);
    expect(submitAttempts).toEqual([1]);
  });

  test('an unknown provider fails the run before it starts', async () => {
    const result = await finalSnapshot(await h.start({ tags: { wes_provider: 'nowhere' } }));
    expect(transitionTypes(result)).toEqual(['error:failed']);
    expect(result.transitions[0].from).toBe('queued');
    expect(result.error).toContain("unknown provider 'nowhere'");
    expect(result.cleaned).toBe(true);
  });

  test('an invalid request fails before it starts, as an executor error', async () => {
    const result = await finalSnapshot(await h.start({ workflow_params: { outcome: 'MAYBE' } }));
    expect(result).toMatchObject({ state: 'failed', failureReason: 'executor_error' });
    expect(result.transitions[0].from).toBe('queued');
  });
});

describe('cancel', () => {
  test('while queued: cancelled at once, nothing started', async () => {
    const idle = await createHarness({ startWorker: false });
    try {
      const handle = await idle.start({ workflow_params: { duration_ms: 100 } });
      await handle.cancel();
      await idle.startWorker();
      const result = await finalSnapshot(handle);
      expect(transitionTypes(result)).toEqual(['cancelled:cancelled']);
      expect(result.transitions[0]).toMatchObject({ from: 'queued', payload: { reason: 'cancel requested' } });
      expect(result.wesState).toBe('CANCELED');
      expect(result.externalId).toBeUndefined();
    } finally {
      await idle.stop();
    }
  });

  test('while starting: the preparation is stopped', async () => {
    const handle = await h.start({ workflow_params: { prepare_ms: 60_000 } });
    await waitForSnapshot(handle, (s) => s.state === 'starting');
    const started = Date.now();
    await handle.cancel();
    const result = await finalSnapshot(handle);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(transitionTypes(result)).toEqual(['init:starting', 'cancelled:cancelled']);
    expect(result.externalId).toBeUndefined();
    expectCleanEnd(result);
  });

  test('while awaiting approval: cancelled without submission', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 100 } }, { requireApproval: true });
    await waitForSnapshot(handle, (s) => s.state === 'awaiting_input');
    await handle.cancel();
    const result = await finalSnapshot(handle);
    expect(transitionTypes(result)).toEqual(['init:starting', 'wait:awaiting_input', 'cancelled:cancelled']);
    expect(result.externalId).toBeUndefined();
  });

  test('while running: CANCELING until the provider confirms, then CANCELED', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 60_000 } });
    await waitForSnapshot(handle, (s) => s.externalId !== undefined);
    await handle.cancel();
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('cancelled');
    expect(result.transitions.at(-1)).toMatchObject({ type: 'cancelled', from: 'running', payload: { reason: 'cancel requested' } });
    expect(await publishedWesStates(handle)).toEqual(['QUEUED', 'RUNNING', 'CANCELING', 'CANCELED']);
    expectCleanEnd(result);
  });

  test('while paused at the provider', async () => {
    const handle = await h.start({ workflow_params: { pause_at_ms: 100, duration_ms: 60_000 } });
    await waitForSnapshot(handle, (s) => s.state === 'awaiting_input');
    await handle.cancel();
    const result = await finalSnapshot(handle);
    expect(result.transitions.at(-1)).toMatchObject({ type: 'cancelled', from: 'awaiting_input' });
  });

  test('twice, and after the end, is harmless', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 60_000 } });
    await waitForSnapshot(handle, (s) => s.externalId !== undefined);
    await handle.cancel();
    await handle.cancel();
    const result = await finalSnapshot(handle);
    expect(result.transitions.filter((t) => t.type === 'cancelled')).toHaveLength(1);
    expect(result.transitions.at(-1)?.payload).toEqual({ reason: 'cancel requested' });
    const history = await handle.fetchHistory();
    const cancelCalls = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'cancelRun');
    expect(cancelCalls).toHaveLength(1);
  });
});

describe('resume', () => {
  test('the approval gate waits, then resume passes its input on to the run', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 100, size: 1 } }, { requireApproval: true });
    await waitForSnapshot(handle, (s) => s.state === 'awaiting_input');
    const afterResume = await handle.executeUpdate(resumeUpdate, { args: [{ approved_by: 'alice', size: 2 }] });
    expect(afterResume.state).toBe('running');
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(transitionTypes(result)).toEqual(['init:starting', 'wait:awaiting_input', 'resume:running', 'finish:succeeded']);
    expect(result.transitions[2].payload).toEqual({ input: { approved_by: 'alice', size: 2 } });
    expect(result.outputs.received_params).toEqual({ duration_ms: 100, size: 2, approved_by: 'alice' });
  });

  test('a run paused by its provider resumes by signal, as from the Temporal UI', async () => {
    const handle = await h.start({ workflow_params: { pause_at_ms: 100, duration_ms: 400 } });
    await waitForSnapshot(handle, (s) => s.state === 'awaiting_input');
    await handle.signal(resumeSignal, { answer: 42 });
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(result.outputs.resume_input).toEqual({ answer: 42 });
    expect(transitionTypes(result)).toContain('wait:awaiting_input');
    expect(transitionTypes(result)).toContain('resume:running');
  });

  test('is rejected when the run is not awaiting input', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 1500 } });
    await waitForSnapshot(handle, (s) => s.externalId !== undefined);
    const rejection = handle.executeUpdate(resumeUpdate, { args: [{}] });
    await expect(rejection).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(rejection).rejects.toHaveProperty('cause', expect.any(ApplicationFailure));
    await expect(rejection).rejects.toHaveProperty('cause.type', NOT_AWAITING_INPUT);
    await handle.signal(resumeSignal, { ignored: true });
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(transitionTypes(result)).not.toContain('resume:running');
  });
});

describe('worker restart', () => {
  test('a running run goes on after the workers are replaced, submitted once', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 3000 } });
    await waitForSnapshot(handle, (s) => s.externalId !== undefined);
    await h.restartWorker();
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(simulatedState(handle.workflowId).submissions).toBe(1);
  });
});

describe('providers', () => {
  test('a saturated provider does not hold up the others, and its concurrency limit holds', async () => {
    const providers = { default: 'fast', providers: { slow: { kind: 'simulated', maxConcurrent: 1 }, fast: { kind: 'simulated' } } };
    const isolated = await createHarness({ providers: parseProvidersConfig(providers, 'the providers of this test') });
    try {
      const first = await isolated.start({ workflow_params: { prepare_ms: 60_000 } }, { provider: 'slow' });
      await waitForSnapshot(first, (s) => s.state === 'starting');
      const second = await isolated.start({ workflow_params: { duration_ms: 100 } }, { provider: 'slow' });
      const fast = await isolated.start({ workflow_params: { duration_ms: 100 } }, { provider: 'fast' });
      expect((await finalSnapshot(fast)).state).toBe('succeeded');
      // The slow provider's only slot is taken by the first run's preparation.
      const waiting = await waitForSnapshot(second, (s) => s.state === 'starting');
      expect(waiting.externalId).toBeUndefined();
      const events = (await second.fetchHistory()).events ?? [];
      const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes ?? []);
      expect(scheduled.map((a) => [a.activityType?.name, a.taskQueue?.name])).toContainEqual([
        'startRun',
        `${isolated.taskQueue}.provider.slow`,
      ]);
      await first.cancel();
      expect((await finalSnapshot(second)).state).toBe('succeeded');
      expect((await finalSnapshot(first)).state).toBe('cancelled');
    } finally {
      await isolated.stop();
    }
  });
});
