/**
 * A task's child runs as the task workflow starts and ends them (docs/tasks.md, "How a task
 * runs"), on a real Temporal dev server: a child that cannot start fails its step at once with the
 * reason, a cancel ends the task cancelled whatever its child does meanwhile, and the search
 * attributes an operator filters tasks by in Temporal's UI.
 */
import { WesProviderKey, WesStateKey } from '../domain/search-attributes';
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

const startTask = (document: Record<string, unknown>, workflowParams: Record<string, unknown> = {}) =>
  h.startTask(taskDocument(document), workflowParams);
const rows = async (runId: string) => (await h.runStore.listTasks(runId, { pageSize: 100 })).tasks;

test('a step whose provider, an expression, names no provider fails at once with the reason; no child run is started', async () => {
  const started = Date.now();
  const handle = await startTask(
    {
      parameters: { where: { type: 'string' } },
      steps: [{ id: 'align', run: { ...simulatedStep('align').run, provider: '{% params.where %}' } }, simulatedStep('after')],
    },
    { where: 'nope' },
  );
  const result = await finalSnapshot(handle);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(result).toMatchObject({ state: 'failed', wesState: 'EXECUTOR_ERROR', failureReason: 'executor_error' });
  expect(result.error).toMatch(
    /^step align: its run cannot start: provider 'nope' validate: unknown provider 'nope' \(configured: local, simulated\)/,
  );
  const align = (
    await eventually(
      () => rows(handle.workflowId),
      (found) => found.some((row) => row.state === 'EXECUTOR_ERROR'),
    )
  )[0];
  expect(align).toMatchObject({ taskId: 'align', state: 'EXECUTOR_ERROR', systemLogs: [result.error] });
  expect(align.childRunId).toBeUndefined();
  await expect(h.client.workflow.getHandle(`${handle.workflowId}.align`).describe()).rejects.toThrow(/not found/i);
}, 30_000);

test('a step whose request its provider refuses (as the worker checks it) fails, and the task may go on without it', async () => {
  const handle = await startTask({
    steps: [
      { ...simulatedStep('bad', { duration_ms: 'soon' }), continue_on_failure: true },
      simulatedStep('after', { outputs: { seen: '{% steps.bad.state %}' } }),
    ],
    outputs: { seen: '{% steps.after.outputs.seen %}' },
  });
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'succeeded', outputs: { seen: 'EXECUTOR_ERROR' } });
  const bad = (await rows(handle.workflowId)).find((row) => row.taskId === 'bad');
  expect(bad?.systemLogs.join('\n')).toMatch(
    /step bad: its run cannot start: provider 'simulated' validate: simulated: workflow_params: .*duration_ms/,
  );
}, 30_000);

test('a cancelled task ends CANCELED even when its child, stuck cancelling, is terminated by hand', async () => {
  // The child's provider stops answering: after the cancel the child waits for its confirmation.
  const handle = await startTask({
    steps: [simulatedStep('stuck', { duration_ms: 600_000, unreachable_from_ms: 300, unreachable_for_ms: 600_000 })],
  });
  const child = h.client.workflow.getHandle(`${handle.workflowId}.stuck`);
  await eventually(
    () => child.query<{ transitions: Array<{ type: string }> }>('snapshot'),
    (snapshot) => snapshot.transitions.some((t) => t.type === 'step'),
  );
  await new Promise((resolve) => setTimeout(resolve, 600));
  await handle.cancel();
  await eventually(
    () => child.query<{ canceling?: boolean }>('snapshot'),
    (snapshot) => snapshot.canceling === true,
  );
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await child.terminate('stuck in the test');
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'cancelled', wesState: 'CANCELED' });
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const stuck = await eventually(
    () => rows(handle.workflowId),
    (found) => found[0]?.state === 'CANCELED',
  );
  expect(stuck[0].taskId).toBe('stuck');
}, 60_000);

test("Temporal's search attributes: a task at a gate is WesState PAUSED; its WesProvider is its latest child run's", async () => {
  const handle = await startTask({
    steps: [
      simulatedStep('first'),
      { id: 'gate', wait_for_input: { prompt: 'go on?', schema: { type: 'object' } } },
      simulatedStep('second'),
    ],
  });
  await waitForSnapshot(handle, (s) => s.state === 'awaiting_input');
  const attributes = await eventually(
    async () => (await handle.describe()).typedSearchAttributes,
    (found) => found.get(WesStateKey) === 'PAUSED',
  );
  expect(attributes.get(WesProviderKey)).toBe('simulated');
  await handle.signal('resume', {});
  expect((await finalSnapshot(handle)).state).toBe('succeeded');
  const closed = (await handle.describe()).typedSearchAttributes;
  expect([closed.get(WesStateKey), closed.get(WesProviderKey)]).toEqual(['COMPLETE', 'simulated']);
}, 30_000);
