/**
 * The reconciler records in the read model the runs Temporal ended without running their code
 * (terminated, timed out): task runs as well as plain ones (docs/design.md, "Cancel and
 * Temporal-native control").
 */
import { ClosedRunReconciler } from '../src/worker/closed-run-reconciler';
import { parseTaskDefinition } from '../src/task-definitions/parse-task-definition';
import { WORKFLOW_TYPES } from '../domain/workflow-types';
import type { wesTaskV1 } from '../workflows/task-run';
import { eventually } from './support/eventually';
import { createHarness, type Harness } from './support/harness';
import { taskDocument } from './support/task-documents';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.stop();
});

const gate = taskDocument({ steps: [{ id: 'gate', wait_for_input: { prompt: 'never answered', schema: { type: 'object' } } }] });

async function sweptRow(runId: string) {
  const reconciler = new ClosedRunReconciler(h.client, h.runStore);
  await eventually(
    () => reconciler.sweep().then(() => h.runStore.get(runId)),
    (row) => row?.wesState === 'SYSTEM_ERROR',
    {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: `a sweep to fail ${runId}`,
    },
  );
  return h.runStore.get(runId);
}

test('a task run terminated in Temporal shows as failed, saying so', async () => {
  const handle = await h.startTask(gate);
  await eventually(
    () => h.runStore.get(handle.workflowId),
    (row) => row?.wesState === 'PAUSED',
    { what: 'the task to wait at its gate' },
  );
  await handle.terminate('operator stopped it');

  const row = await sweptRow(handle.workflowId);
  expect(row).toMatchObject({ state: 'failed', wesState: 'SYSTEM_ERROR', failureReason: 'system_error' });
  expect(row?.errorMessage).toBe("the run's workflow was terminated in Temporal");
  expect(row?.endTime).toBeDefined();
});

test('a task run timed out by a Temporal-level timeout shows as failed, saying so', async () => {
  const runId = `run-timeout-${Date.now()}`;
  const request = { workflow_type: 'DWES-TASK', workflow_type_version: '1.0', workflow_url: 'task.yaml' };
  const handle = await h.client.workflow.start<typeof wesTaskV1>(WORKFLOW_TYPES.task, {
    taskQueue: h.taskQueue,
    workflowId: runId,
    workflowExecutionTimeout: '3s',
    args: [{ runId, request, definition: parseTaskDefinition(gate, 'task.yaml'), params: {} }],
  });
  await eventually(
    () => h.runStore.get(handle.workflowId),
    (row) => row?.wesState === 'PAUSED',
    { what: 'the task to wait at its gate' },
  );

  const row = await sweptRow(runId);
  expect(row).toMatchObject({ state: 'failed', wesState: 'SYSTEM_ERROR' });
  expect(row?.errorMessage).toBe("the run's workflow was timed out in Temporal");
});
