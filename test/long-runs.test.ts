/**
 * What a run that lives for weeks needs: a history that stays bounded (continue-as-new, polling
 * that costs nothing while nothing changes), a provider outage that delays it without failing it,
 * a whole-run time limit, and Temporal-native control (cancel, terminate) that the read model and
 * Temporal's UI both report truthfully.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ClosedRunReconciler } from '../src/worker/closed-run-reconciler';
import { resumeUpdate, RUN_FAILED } from '../domain/messages';
import { HISTORY_EVENTS_LIMIT } from '../workflows/ledgered-workflow';
import { eventually } from './support/eventually';
import { createHarness, finalSnapshot, transitionTypes, waitForSnapshot, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.stop();
});

const HOUR = 3_600_000;

async function eventCount(handle: WorkflowHandle, runId?: string): Promise<number> {
  const history = await h.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  return history.events?.length ?? 0;
}

/** The run ids of every execution of the run, oldest first. */
async function executions(handle: WorkflowHandle): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of h.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) ids.push(execution.runId);
  return ids.reverse();
}

function simulatedState(runId: string): { submissions: number; cancelledAt?: number } {
  return JSON.parse(readFileSync(path.join(h.dataDir, 'runs', runId, 'simulated.json'), 'utf8'));
}

describe('bounded history', () => {
  test('a run that works without news adds no events while it waits', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 6000 } });
    await waitForSnapshot(handle, (s) => s.state === 'running');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const early = await eventCount(handle);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await eventCount(handle)).toBe(early);
    expect((await finalSnapshot(handle)).state).toBe('succeeded');
  });

  test('a zero-duration run costs at most 14 events, with no patch marker', async () => {
    // 14 with the worker choosing the provider (a local activity's marker); 13 through the API, which chooses it.
    const handle = await h.start({ workflow_params: { duration_ms: 0 } });
    expect((await finalSnapshot(handle)).state).toBe('succeeded');
    expect(await eventCount(handle)).toBeLessThanOrEqual(14);
    const { events } = await h.client.workflow.getHandle(handle.workflowId).fetchHistory();
    expect(events?.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
  });

  test('30 days of a busy run in compressed time continue as new, keeping every transition', async () => {
    // Preempted for half of every hour, for 30 days, at 200,000 simulated ms per real ms: about
    // 13 s of real time, with a state change every 9 ms, which the poll sees as fast as it goes.
    const handle = await h.start({
      workflow_params: { duration_ms: 30 * 24 * HOUR, preempt_every_ms: HOUR, time_scale: 200_000 },
    });
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');

    const runIds = await executions(handle);
    expect(runIds.length).toBeGreaterThan(1);
    for (const runId of runIds) expect(await eventCount(handle, runId)).toBeLessThan(HISTORY_EVENTS_LIMIT + 50);

    // The read model has the whole log, numbered without a gap across executions.
    const logged = await h.runStore.transitions(handle.workflowId);
    expect(logged.map((t) => t.seq)).toEqual(logged.map((_, i) => i + 1));
    expect(logged.filter((t) => t.payload?.provider_state === 'PREEMPTED').length).toBeGreaterThan(50);
    expect(logged.at(-1)).toMatchObject({ type: 'finish', to: 'succeeded' });
    expect(await h.runStore.get(handle.workflowId)).toMatchObject({ state: 'succeeded', cleaned: true });
    expect(simulatedState(handle.workflowId).submissions).toBe(1);
  });

  test('queries, resume and cancel reach a run after it continued as new', async () => {
    // Busy for 8 simulated hours (about 30 s: a few continuations), then paused until resumed.
    const busy = { preempt_every_ms: HOUR / 120, time_scale: 1_000, pause_at_ms: 8 * HOUR };
    const resumed = await h.start({ workflow_params: { ...busy, duration_ms: 9 * HOUR } });
    const cancelled = await h.start({ workflow_params: { ...busy, duration_ms: 9 * HOUR } });
    for (const handle of [resumed, cancelled]) {
      await waitForSnapshot(handle, (s) => s.state === 'awaiting_input', 90_000);
      expect((await executions(handle)).length).toBeGreaterThan(1);
    }
    const afterResume = await resumed.executeUpdate(resumeUpdate, { args: [{ go: 'on' }] });
    expect(afterResume.state).toBe('running');
    expect(await finalSnapshot(resumed)).toMatchObject({ state: 'succeeded', outputs: { resume_input: { go: 'on' } } });

    await cancelled.cancel();
    expect(await finalSnapshot(cancelled)).toMatchObject({ state: 'cancelled', wesState: 'CANCELED' });
    expect(simulatedState(cancelled.workflowId).cancelledAt).toBeDefined();
  }, 180_000);
});

describe('a provider that cannot be reached', () => {
  test('delays the run, says so in its system log, and never fails it', async () => {
    // The harness retries provider calls 3 times, 200 ms apart: the outage outlasts that many times.
    const handle = await h.start({ workflow_params: { duration_ms: 4000, unreachable_from_ms: 300, unreachable_for_ms: 2500 } });
    const during = await waitForSnapshot(handle, (s) => (s.log.system_logs ?? []).length > 0);
    expect(during.state).toBe('running');
    expect((await h.runStore.get(handle.workflowId))?.runLog.system_logs?.[0]).toMatch(/unreachable, still polling: .*connection refused/);

    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(result.log.system_logs).toEqual([
      expect.stringContaining('unreachable, still polling'),
      expect.stringContaining('reachable again'),
    ]);
    const logged = (await h.runStore.transitions(handle.workflowId)).map((t) => t.type);
    expect(logged).toEqual(['init', 'step', 'finish']);
  });
});

describe('the whole-run time limit', () => {
  test('cancels a running run at its provider and ends it failed, timed_out', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 60_000 } }, { timeout: '2 seconds' });
    const result = await finalSnapshot(handle);
    expect(result).toMatchObject({ state: 'failed', failureReason: 'timed_out', wesState: 'EXECUTOR_ERROR' });
    expect(result.error).toContain('time limit of 2 seconds');
    expect(simulatedState(handle.workflowId).cancelledAt).toBeDefined();
    expect(result.cleaned).toBe(true);
  });

  test('ends a run waiting for approval, leaving its pause first', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 100 } }, { timeout: '1 second', requireApproval: true });
    const result = await finalSnapshot(handle);
    expect(transitionTypes(result)).toEqual(['init:starting', 'wait:awaiting_input', 'step:running', 'error:failed']);
    expect(result.failureReason).toBe('timed_out');
    expect(result.externalId).toBeUndefined();
  });
});

describe("Temporal's own view of a run", () => {
  async function closedAs(handle: WorkflowHandle): Promise<string> {
    await handle.result().catch(() => undefined);
    return (await handle.describe()).status.name;
  }

  test('a succeeded run closes Completed, a failed one Failed with its snapshot, a cancelled one Canceled', async () => {
    const succeeded = await h.start({ workflow_params: { duration_ms: 0 } });
    const failed = await h.start({ workflow_params: { duration_ms: 0, outcome: 'EXECUTOR_ERROR' } });
    const cancelled = await h.start({ workflow_params: { duration_ms: 60_000 } });
    await waitForSnapshot(cancelled, (s) => s.state === 'running');
    await cancelled.cancel(); // as the Web UI's and the CLI's cancel do

    expect(await closedAs(succeeded)).toBe('COMPLETED');
    expect(await closedAs(failed)).toBe('FAILED');
    const failure = failed.result();
    await expect(failure).rejects.toBeInstanceOf(WorkflowFailedError);
    await expect(failure).rejects.toHaveProperty('cause.type', RUN_FAILED);
    await expect(failure).rejects.toHaveProperty('cause.details.0.wesState', 'EXECUTOR_ERROR');

    expect(await closedAs(cancelled)).toBe('CANCELLED');
    await expect(cancelled.result()).rejects.toHaveProperty('cause', expect.any(CancelledFailure));
    const row = await h.runStore.get(cancelled.workflowId);
    expect(row).toMatchObject({ wesState: 'CANCELED', cleaned: true });
    expect((await h.runStore.transitions(cancelled.workflowId)).map((t) => t.type)).toEqual(['init', 'step', 'cancelled']);
    expect(simulatedState(cancelled.workflowId).cancelledAt).toBeDefined();
  });

  test('a run terminated in Temporal does not stay RUNNING in the read model', async () => {
    const handle = await h.start({ workflow_params: { duration_ms: 60_000 } });
    await waitForSnapshot(handle, (s) => s.state === 'running');
    await waitForRow(handle.workflowId, 'RUNNING');
    await handle.terminate('operator stopped it');

    const reconciler = new ClosedRunReconciler(h.client, h.runStore);
    await eventually(
      () => reconciler.sweep(),
      (failed) => failed > 0,
      { timeoutMs: 10_000, intervalMs: 200, what: 'a sweep to fail the run' },
    );
    const row = await h.runStore.get(handle.workflowId);
    expect(row).toMatchObject({ state: 'failed', wesState: 'SYSTEM_ERROR', failureReason: 'system_error' });
    expect(row?.errorMessage).toContain('terminated in Temporal');
    expect(row?.endTime).toBeDefined();
    // A second sweep changes nothing.
    expect(await new ClosedRunReconciler(h.client, h.runStore).sweep()).toBe(0);
  });
});

async function waitForRow(runId: string, wesState: string): Promise<void> {
  await eventually(
    async () => (await h.runStore.get(runId))?.wesState,
    (shown) => shown === wesState,
    {
      timeoutMs: 10_000,
      what: `run ${runId} to show ${wesState} in the read model`,
    },
  );
}
