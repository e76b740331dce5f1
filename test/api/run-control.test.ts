/** Cancel, resume, delete, transitions and tasks of runs, through the API, on the simulated provider. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { API, createApiHarness, expectSchema, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { simulatedRun, submitRun } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

/** The read model says the run has ended and been cleaned up (what DELETE requires). */
async function waitUntilCleaned(runId: string): Promise<void> {
  await eventually(
    () => api.harness.runStore.get(runId),
    (row) => row?.cleaned === true,
    { what: `run ${runId} to be cleaned up` },
  );
}

test('cancel stops a running run: CANCELED; cancelling again is harmless', async () => {
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 60_000 }));
  await waitForState(api.http, runId, (state) => state === 'RUNNING');
  const cancelled = await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expectSchema('RunId', cancelled.body);
  expect(cancelled.body).toEqual({ run_id: runId });
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200, { run_id: runId });
});

test('a cancelled run shows CANCELING as soon as the cancel is answered, before its workflow hears of it', async () => {
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 0 }, { require_approval: true }));
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  // With no worker, only Temporal has the cancel: the workflow cannot have projected anything.
  await api.harness.stopWorker();
  try {
    await api.http.post(`${API}/runs/${runId}/cancel`).expect(200, { run_id: runId });
    expect((await api.http.get(`${API}/runs/${runId}/status`).expect(200)).body).toEqual({ run_id: runId, state: 'CANCELING' });
    // A second cancel, still unseen by the workflow, changes nothing.
    await api.http.post(`${API}/runs/${runId}/cancel`).expect(200, { run_id: runId });
  } finally {
    await api.harness.startWorker();
  }
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
  const { body } = await api.http.get(`${API}/runs/${runId}/transitions`).expect(200);
  expect(body.transitions.map((t: { type: string }) => t.type)).toEqual(['init', 'wait', 'cancelled']);
});

test('cancel of a run that completed is a conflict', async () => {
  const runId = await submitRun(api.http);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const response = await api.http.post(`${API}/runs/${runId}/cancel`).expect(409);
  expect(response.body).toEqual({ msg: expect.stringContaining('COMPLETE'), status_code: 409 });
});

test('a run that requires approval waits PAUSED until resumed through the API, then completes', async () => {
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 200 }, { require_approval: true }));
  expect(await waitForState(api.http, runId, (state) => state === 'PAUSED')).toBe('PAUSED');
  const resumed = await api.http.post(`${API}/runs/${runId}/resume`).send({ approved_by: 'alice' }).expect(200);
  expectSchema('RunStatus', resumed.body);
  expect(resumed.body.run_id).toBe(runId);
  expect(resumed.body.state).not.toBe('PAUSED');
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');

  const log = await api.http.get(`${API}/runs/${runId}`).expect(200);
  // What the approver gave is merged into the parameters the provider ran with.
  expect(log.body.outputs.received_params).toEqual({ duration_ms: 200, approved_by: 'alice' });
  const { body } = await api.http.get(`${API}/runs/${runId}/transitions`).expect(200);
  expect(body.transitions.map((t: { type: string; to: string }) => `${t.type}:${t.to}`)).toEqual([
    'init:starting',
    'wait:awaiting_input',
    'resume:running',
    'finish:succeeded',
  ]);
  expect(body.transitions[2].payload).toEqual({ input: { approved_by: 'alice' } });
  expect(body.transitions.map((t: { seq: number }) => t.seq)).toEqual([1, 2, 3, 4]);
});

test('the approval tag asks for approval like the field does', async () => {
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 0 }, { tags: { wes_require_approval: 'true' } }));
  expect(await waitForState(api.http, runId, (state) => state === 'PAUSED')).toBe('PAUSED');
  await api.http.post(`${API}/runs/${runId}/resume`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
});

test('resume of a run that is not waiting is a conflict', async () => {
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 60_000 }));
  await waitForState(api.http, runId, (state) => state === 'RUNNING');
  const response = await api.http.post(`${API}/runs/${runId}/resume`).send({}).expect(409);
  expect(response.body).toEqual({ msg: expect.stringContaining('not awaiting input'), status_code: 409 });
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
  // Ended: the workflow takes no more updates.
  await api.http.post(`${API}/runs/${runId}/resume`).send({}).expect(409);
});

test('DELETE refuses a running run and forgets a finished, cleaned-up one', async () => {
  const running = await submitRun(api.http, simulatedRun({ duration_ms: 60_000 }));
  await waitForState(api.http, running, (state) => state === 'RUNNING');
  const refused = await api.http.delete(`${API}/runs/${running}`).expect(409);
  expect(refused.body.status_code).toBe(409);
  await api.http.post(`${API}/runs/${running}/cancel`).expect(200);

  const done = await submitRun(api.http);
  expect(await waitForState(api.http, done)).toBe('COMPLETE');
  await waitUntilCleaned(done);
  const workDir = path.join(api.harness.dataDir, 'runs', done);
  expect(existsSync(workDir)).toBe(true);
  await api.http.delete(`${API}/runs/${done}`).expect(200, { run_id: done });
  expect(existsSync(workDir)).toBe(false);
  await api.http.get(`${API}/runs/${done}`).expect(404);
  await api.http.get(`${API}/runs/${done}/transitions`).expect(404);
  expect(await api.harness.runStore.transitions(done)).toEqual([]);
});

test('tasks: a run lists none, and any task id is a 404', async () => {
  const runId = await submitRun(api.http);
  const tasks = await api.http.get(`${API}/runs/${runId}/tasks`).expect(200);
  expectSchema('TaskListResponse', tasks.body);
  expect(tasks.body).toEqual({ task_logs: [], next_page_token: '' });
  await api.http.get(`${API}/runs/${runId}/tasks?page_size=10`).expect(200);
  const task = await api.http.get(`${API}/runs/${runId}/tasks/task-1`).expect(404);
  expectSchema('ErrorResponse', task.body);
  expect(task.body).toEqual({ msg: expect.stringContaining('task-1'), status_code: 404 });
});
