/**
 * GET /runs/{id}/tasks and /tasks/{task_id} through the whole stack: the engine's jobs, reported by
 * the run's activity into the read model while the run goes, listed as WES TaskLogs in pages.
 */
import path from 'node:path';
import { API, createApiHarness, expectSchema, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { EXAMPLES } from '../support/harness';
import { cwlRun, submitRun, type RunRequest } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

/** A run on the local provider, whose engines report their jobs as tasks. */
const startRun = (request: RunRequest) => submitRun(api.http, { ...request, tags: { wes_provider: 'local' } });

const names = ['Ada', 'Grace', 'Alan', 'Barbara'];
let scatterRun: string;

describe('a CWL scatter', () => {
  beforeAll(async () => {
    scatterRun = await startRun(cwlRun(path.join(EXAMPLES, 'scatter', 'scatter.cwl'), { names }));
    expect(await waitForState(api.http, scatterRun)).toBe('COMPLETE');
  });

  test('lists one task per scatter job and one for the step after, each COMPLETE with its times', async () => {
    const { body } = await api.http.get(`${API}/runs/${scatterRun}/tasks`).expect(200);
    expectSchema('TaskListResponse', body);
    expect(body.next_page_token).toBe('');
    expect(body.task_logs.map(({ id, name, state }: { id: string; name: string; state: string }) => ({ id, name, state }))).toEqual([
      { id: 'greet', name: 'greet', state: 'COMPLETE' },
      { id: 'greet_2', name: 'greet_2', state: 'COMPLETE' },
      { id: 'greet_3', name: 'greet_3', state: 'COMPLETE' },
      { id: 'greet_4', name: 'greet_4', state: 'COMPLETE' },
      { id: 'count', name: 'count', state: 'COMPLETE' },
    ]);
    const run = (await api.http.get(`${API}/runs/${scatterRun}`).expect(200)).body;
    for (const task of body.task_logs) {
      expectSchema('TaskLog', task);
      // cwltool logs to the second.
      const [start, end] = [Date.parse(task.start_time), Date.parse(task.end_time)];
      expect(start).toBeLessThanOrEqual(end);
      expect(start).toBeGreaterThanOrEqual(Math.floor(Date.parse(run.run_log.start_time) / 1000) * 1000);
      expect(task).toMatchObject({ system_logs: [], outputs: {} });
      expect(task.stdout).toContain(path.join('runs', scatterRun, 'jobs', task.id));
    }
    expect(body.task_logs[3].cmd).toEqual(['echo', 'Barbara']);
  });

  test('pages through its tasks with the tokens it gives, page_size at most', async () => {
    const seen: string[] = [];
    let token = '';
    do {
      const { body } = await api.http
        .get(`${API}/runs/${scatterRun}/tasks`)
        .query({ page_size: 2, ...(token ? { page_token: token } : {}) })
        .expect(200);
      expect(body.task_logs.length).toBeLessThanOrEqual(2);
      seen.push(...body.task_logs.map((task: { id: string }) => task.id));
      token = body.next_page_token;
    } while (token !== '');
    expect(seen).toEqual(['greet', 'greet_2', 'greet_3', 'greet_4', 'count']);
    await api.http.get(`${API}/runs/${scatterRun}/tasks`).query({ page_token: 'not-ours' }).expect(400);
  });

  test('answers one task by its id, and a 404 for a task it does not have', async () => {
    const { body } = await api.http.get(`${API}/runs/${scatterRun}/tasks/greet_2`).expect(200);
    expectSchema('TaskLog', body);
    expect(body).toMatchObject({ id: 'greet_2', name: 'greet_2', state: 'COMPLETE', cmd: ['echo', 'Grace'] });
    expect((await api.http.get(`${API}/runs/${scatterRun}/tasks/greet_9`).expect(404)).body).toEqual({
      msg: `run ${scatterRun} has no task greet_9`,
      status_code: 404,
    });
    await api.http.get(`${API}/runs/run-unknown/tasks/greet`).expect(404);
  });
});

test('a running job is listed while the run goes; cancelled, it ends CANCELED', async () => {
  const runId = await startRun(cwlRun(path.join(EXAMPLES, 'sleep', 'sleep.cwl'), { seconds: 300 }));
  const listed = async () => (await api.http.get(`${API}/runs/${runId}/tasks`).expect(200)).body.task_logs;
  const [running] = await eventually(listed, (tasks) => tasks.length === 1, { what: 'the job to be listed while it runs' });
  expect(running).toMatchObject({ id: 'sleep.cwl', state: 'RUNNING', cmd: ['sleep', '300'] });
  expect(running.end_time).toBeUndefined();
  expect((await api.http.get(`${API}/runs/${runId}/status`).expect(200)).body.state).toBe('RUNNING');

  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
  expect(await listed()).toEqual([expect.objectContaining({ id: 'sleep.cwl', state: 'CANCELED' })]);
});

test('a Snakemake run lists each job of its rules', async () => {
  const runId = await startRun({
    workflow_type: 'SMK',
    workflow_type_version: '1.0',
    workflow_url: path.join(EXAMPLES, 'snakemake-hello', 'Snakefile'),
    workflow_params: { message: 'three words here' },
  });
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const { body } = await api.http.get(`${API}/runs/${runId}/tasks`).expect(200);
  expectSchema('TaskListResponse', body);
  expect(body.task_logs.map(({ name, state }: { name: string; state: string }) => ({ name, state }))).toEqual([
    { name: 'greet', state: 'COMPLETE' },
    { name: 'count', state: 'COMPLETE' },
    { name: 'all', state: 'COMPLETE' },
  ]);
  expect(body.task_logs[0].cmd).toEqual(["echo 'three words here' > results/greeting.txt"]);
  for (const task of body.task_logs) expect(Date.parse(task.start_time)).toBeLessThanOrEqual(Date.parse(task.end_time));
});
