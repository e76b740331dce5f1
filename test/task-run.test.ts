/**
 * Task runs (docs/tasks.md) executed by the task workflow on a real Temporal dev server, their
 * `run` steps child runs on the simulated provider: gates, parallel branches, failures that may or
 * may not fail the task, retries, time limits and cancel; the /tasks rows they leave in the read model.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_RESUME_INPUT, NOT_AWAITING_INPUT, resumeUpdate } from '../domain/messages';
import type { RunSnapshot } from '../domain/run-types';
import { eventually } from './support/eventually';
import { simulatedStep, taskDocument } from './support/task-documents';
import { createHarness, finalSnapshot, waitForSnapshot, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.stop();
});

const run = simulatedStep;
const startTask = (document: Record<string, unknown>, workflowParams: Record<string, unknown> = {}) =>
  h.startTask(taskDocument(document), workflowParams);

const named = (name: unknown) => (typeof name === 'string' && name !== '' ? `:${name}` : undefined);
const stepsOf = (snapshot: RunSnapshot) =>
  snapshot.transitions.map((t) => `${t.type}:${t.to}${named(t.payload?.step) ?? named(t.payload?.branch) ?? ''}`);

async function rows(runId: string) {
  return (await h.runStore.listTasks(runId, { pageSize: 1000 })).tasks;
}

test('a three-step task with a gate: runs, waits, refuses a wrong input, resumes, runs on with it', async () => {
  const handle = await startTask(
    {
      parameters: { sample: { type: 'string', default: 'S1' } },
      steps: [
        run('align', { outputs: { bam: '{% params.sample & ".bam" %}' } }),
        {
          id: 'review',
          wait_for_input: {
            prompt: '{% "Is " & steps.align.outputs.bam & " good?" %}',
            schema: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } },
          },
        },
        run('publish', { outputs: { published: '{% steps.review.outputs.ok %}', from: '{% steps.align.outputs.bam %}' } }),
      ],
      outputs: { published: '{% steps.publish.outputs.published %}' },
    },
    { sample: 'S7' },
  );
  const waiting = await waitForSnapshot(handle, (s) => s.state === 'awaiting_input');
  expect(waiting.wesState).toBe('PAUSED');
  expect(waiting.transitions.at(-1)?.payload).toMatchObject({ steps: ['review'], prompt: 'Is S7.bam good?' });

  const refused = await handle.executeUpdate(resumeUpdate, { args: [{ ok: 'yes' }] }).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({
    type: INVALID_RESUME_INPUT,
    message: expect.stringMatching(/review: the input at ok: .*boolean/),
  });
  expect(await handle.query<RunSnapshot>('snapshot')).toMatchObject({ state: 'awaiting_input' });

  const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ ok: true }] });
  expect(resumed.state).not.toBe('awaiting_input');
  expect(resumed.transitions.find((t) => t.type === 'resume')).toMatchObject({ payload: { step: 'review', input: { ok: true } } });
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'succeeded', outputs: { published: true } });
  expect(stepsOf(result)).toEqual([
    'init:starting',
    'step:running',
    'step:running:align',
    'wait:awaiting_input',
    'resume:running:review',
    'step:running:review',
    'step:running:publish',
    'finish:succeeded',
  ]);

  const taskRows = await eventually(
    () => rows(handle.workflowId),
    (found) => found.length === 3 && found.every((row) => row.state === 'COMPLETE'),
  );
  expect(taskRows.map((row) => [row.taskId, row.childRunId])).toEqual([
    ['align', `${handle.workflowId}.align`],
    ['review', undefined],
    ['publish', `${handle.workflowId}.publish`],
  ]);
  expect(taskRows[2].outputs).toMatchObject({ published: true, from: 'S7.bam' });
  // Each run step is a WES run of its own, a child of the task in Temporal.
  const child = await h.client.workflow.getHandle(`${handle.workflowId}.publish`).describe();
  expect(child.parentExecution?.workflowId).toBe(handle.workflowId);
  expect((await h.runStore.get(`${handle.workflowId}.publish`))?.wesState).toBe('COMPLETE');
});

test('a resume while no gate waits is refused as not awaiting input', async () => {
  const handle = await startTask({ steps: [run('slow', { duration_ms: 3000 })] });
  await waitForSnapshot(handle, (s) => s.state === 'running');
  const refused = await handle.executeUpdate(resumeUpdate, { args: [{}] }).catch((err: unknown) => err);
  expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(NOT_AWAITING_INPUT);
  await handle.cancel();
});

test('a parallel block of 50 branches runs side by side, each logged, and joins', async () => {
  const branches = Array.from({ length: 50 }, (_, i) => ({ id: `b${i}`, steps: [run(`s${i}`, { outputs: { i } })] }));
  const handle = await startTask({
    steps: [
      { id: 'fan', parallel: { branches } },
      run('join', { outputs: { first: '{% steps.fan.outputs.b0.i %}', last: '{% steps.fan.outputs.b49.i %}' } }),
    ],
  });
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('succeeded');
  expect(result.transitions.filter((t) => t.type === 'init_branch')).toHaveLength(50);
  expect(result.transitions.filter((t) => t.type === 'finish_branch' && t.payload?.state === 'COMPLETE')).toHaveLength(50);
  const taskRows = await eventually(
    () => rows(handle.workflowId),
    (found) => found.length === 102 && found.every((row) => row.state === 'COMPLETE'),
    { timeoutMs: 60_000 },
  );
  expect(taskRows.find((row) => row.taskId === 'join')?.outputs).toMatchObject({ first: 0, last: 49 });
  expect(taskRows.filter((row) => row.parentTaskId === 'fan')).toHaveLength(50);
  expect(taskRows.find((row) => row.taskId === 's7')?.parentTaskId).toBe('b7');
}, 120_000);

test('a failing step fails the task, unless it may fail', async () => {
  const failing = await startTask({ steps: [run('bad', { outcome: 'EXECUTOR_ERROR' }), run('never')] });
  const failed = await finalSnapshot(failing);
  expect(failed).toMatchObject({
    state: 'failed',
    failureReason: 'executor_error',
    error: expect.stringMatching(/step bad: run .*\.bad ended EXECUTOR_ERROR/),
  });
  expect(failed.transitions.some((t) => t.payload?.step === 'never')).toBe(false);

  const tolerant = await startTask({
    steps: [
      run('bad', { outcome: 'EXECUTOR_ERROR' }, { continue_on_failure: true }),
      run('after', { outputs: { saw: '{% steps.bad.state %}' } }),
    ],
  });
  const succeeded = await finalSnapshot(tolerant);
  expect(succeeded.state).toBe('succeeded');
  const taskRows = await eventually(
    () => rows(tolerant.workflowId),
    (found) => found.length === 2 && found[1].state === 'COMPLETE',
  );
  expect(taskRows.map((row) => row.state)).toEqual(['EXECUTOR_ERROR', 'COMPLETE']);
  expect(taskRows[1].outputs).toMatchObject({ saw: 'EXECUTOR_ERROR' });
});

test('a step retried until its attempts run out: one child run per attempt, then the task fails', async () => {
  const handle = await startTask({
    steps: [run('flaky', { outcome: 'SYSTEM_ERROR' }, { retry: { maximum_attempts: 3, initial_interval: '100ms' } })],
  });
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'failed', failureReason: 'system_error' });
  for (const id of [`${handle.workflowId}.flaky`, `${handle.workflowId}.flaky.2`, `${handle.workflowId}.flaky.3`]) {
    expect((await h.client.workflow.getHandle(id).describe()).status.name).toBe('FAILED');
  }
  const [row] = await eventually(
    () => rows(handle.workflowId),
    (found) => found[0]?.state === 'SYSTEM_ERROR',
  );
  expect(row.childRunId).toBe(`${handle.workflowId}.flaky.3`);
  expect(row.systemLogs.filter((line) => line.startsWith('attempt '))).toHaveLength(2);
});

test('a step past its time limit fails the task as timed out, and its run is cancelled', async () => {
  const handle = await startTask({ steps: [run('slow', { duration_ms: 60_000 }, { timeout: '1s' })] });
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({
    state: 'failed',
    failureReason: 'timed_out',
    error: expect.stringMatching(/step slow: took longer than its time limit \(1s\)/),
  });
  expect((await h.client.workflow.getHandle(`${handle.workflowId}.slow`).describe()).status.name).toBe('CANCELLED');
});

test('the whole task past its time limit fails as timed out, from a gate too', async () => {
  const handle = await startTask({
    timeout: '1s',
    steps: [{ id: 'gate', wait_for_input: { prompt: 'never answered', schema: { type: 'object' } } }],
  });
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'failed', failureReason: 'timed_out', wesState: 'EXECUTOR_ERROR' });
});

test('cancel during a parallel block reaches every branch and child run', async () => {
  const branches = Array.from({ length: 3 }, (_, i) => ({ id: `b${i}`, steps: [run(`s${i}`, { duration_ms: 60_000 })] }));
  const handle = await startTask({ steps: [{ id: 'fan', parallel: { branches } }, run('never')] });
  await eventually(
    () => rows(handle.workflowId),
    (found) => found.filter((row) => row.childRunId).length === 3,
  );
  await handle.cancel();
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('cancelled');
  for (let i = 0; i < 3; i++)
    expect((await h.client.workflow.getHandle(`${handle.workflowId}.s${i}`).describe()).status.name).toBe('CANCELLED');
  const taskRows = await eventually(
    () => rows(handle.workflowId),
    (found) => found.filter((row) => row.state === 'CANCELED').length === 7,
  );
  expect(taskRows.map((row) => row.taskId).sort()).toEqual(['b0', 'b1', 'b2', 'fan', 's0', 's1', 's2']);
}, 60_000);

test('a task of 100 steps continues as new on the way: every history stays bounded, nothing is lost', async () => {
  const steps = Array.from({ length: 100 }, (_, i) => run(`s${i}`, { duration_ms: 0, outputs: { i } }));
  steps[99] = run('s99', { duration_ms: 0, outputs: { first: '{% steps.s0.outputs.i %}' } });
  const handle = await startTask({ steps });
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('succeeded');
  const last = await handle.fetchHistory();
  expect(last.events!.length).toBeLessThan(1_500);
  expect(last.events![0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
  const taskRows = await eventually(
    () => rows(handle.workflowId),
    (found) => found.length === 100 && found.every((row) => row.state === 'COMPLETE'),
  );
  expect(taskRows.map((row) => row.taskId)).toEqual(steps.map((step) => step.id));
  expect(taskRows[99].outputs).toMatchObject({ first: 0 });
  const transitions = await h.runStore.transitions(handle.workflowId);
  expect(transitions.filter((t) => t.type === 'step' && t.payload?.step)).toHaveLength(100);
}, 120_000);
