/**
 * Task runs (docs/tasks.md) through the WES API: submitted as workflow_type DWES-TASK with the
 * definition as an attachment or a file under the workflow roots, refused with a 400 naming the key
 * when the definition or the parameters are wrong, resumed at their gates (a wrong input is a 400
 * and the task keeps waiting), listed step by step under /tasks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { API, createApiHarness, expectSchema, fieldParts, postMultipart, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { EXAMPLES } from '../support/harness';
import { submitRun } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api.stop();
});

const REVIEW_AND_PUBLISH = path.join(EXAMPLES, 'tasks', 'review-and-publish.yaml');

/** A task submitted as WES 1.1 says: the definition as a workflow_attachment, named by workflow_url. */
function submitTask(definition: string, params: Record<string, unknown> = {}, name = 'task.yaml') {
  return postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'DWES-TASK',
      workflow_type_version: '1.0',
      workflow_url: name,
      workflow_params: JSON.stringify(params),
    }),
    { name: 'workflow_attachment', value: definition, filename: name },
  ]);
}

test('a task with a gate: submitted, paused at its gate, a wrong input refused, resumed, completed, its steps under /tasks', async () => {
  const { run_id: runId } = (await submitTask(readFileSync(REVIEW_AND_PUBLISH, 'utf8'), { samples: 4, label: 'api' }).expect(200)).body;
  expect(await waitForState(api.http, runId, (state) => state === 'PAUSED')).toBe('PAUSED');

  // The gate's row says what it asks and what input it takes, for a client to show.
  // Its row follows the task's own within moments (docs/design.md, "Task runs").
  const waiting = (
    await eventually(
      () => api.http.get(`${API}/runs/${runId}/tasks/review`),
      (response) => response.status === 200 && response.body.state === 'PAUSED',
    )
  ).body;
  expectSchema('TaskLog', waiting);
  expect(waiting).toMatchObject({
    state: 'PAUSED',
    prompt: 'Publish 8 results labelled api?',
    system_logs: ['Publish 8 results labelled api?'],
  });
  expect(waiting.input_schema).toMatchObject({ type: 'object', required: ['approved'], additionalProperties: false });
  const listed = (await api.http.get(`${API}/runs/${runId}/tasks`).expect(200)).body.task_logs;
  expect(listed.find((task: { id: string }) => task.id === 'review')).toEqual(waiting);
  expect(listed.find((task: { id: string }) => task.id === 'compute')).not.toHaveProperty('input_schema');

  const refused = await api.http.post(`${API}/runs/${runId}/resume`).send({ approved: 'yes' }).expect(400);
  expect(refused.body.msg).toMatch(/review: the input at approved/);
  expect((await api.http.get(`${API}/runs/${runId}/status`).expect(200)).body.state).toBe('PAUSED');

  await api.http.post(`${API}/runs/${runId}/resume`).send({ approved: true, note: 'looks right' }).expect(200);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const log = (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
  expect(log.outputs).toEqual({ count: 8, approved: true });
  expect(log.request.workflow_type).toBe('DWES-TASK');

  const tasks = (await api.http.get(`${API}/runs/${runId}/tasks`).expect(200)).body;
  expectSchema('TaskListResponse', tasks);
  expect(tasks.task_logs.map((task: { id: string }) => task.id)).toEqual(['compute', 'review', 'publish']);
  const publish = tasks.task_logs[2];
  expect(publish).toMatchObject({ state: 'COMPLETE', child_run_id: `${runId}.publish`, outputs: { published: 8, note: 'looks right' } });
  // The child run is a WES run of its own.
  expect((await api.http.get(`${API}/runs/${runId}.publish/status`).expect(200)).body.state).toBe('COMPLETE');
});

test('a task under the workflow roots is named by its path', async () => {
  const runId = await submitRun(api.http, {
    workflow_type: 'DWES-TASK',
    workflow_type_version: '1.0',
    workflow_url: path.join(EXAMPLES, 'tasks', 'fan-out.yaml'),
    workflow_params: { duration_ms: 50 },
  });
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const tasks = (await api.http.get(`${API}/runs/${runId}/tasks?page_size=3`).expect(200)).body;
  expect(tasks.task_logs).toHaveLength(3);
  expect(tasks.next_page_token).not.toBe('');
});

test("a task's step runs a workflow the task came with, by its relative path", async () => {
  const definition = JSON.stringify({
    dwes_task: '1.0',
    parameters: { message: { type: 'string' } },
    steps: [
      {
        id: 'hello',
        run: {
          provider: 'local',
          workflow_url: 'hello.cwl',
          workflow_type: 'CWL',
          workflow_type_version: 'v1.2',
          workflow_params: { message: '{% params.message %}' },
        },
      },
    ],
  });
  const response = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'DWES-TASK',
      workflow_type_version: '1.0',
      workflow_url: 'task.json',
      workflow_params: JSON.stringify({ message: 'from a task' }),
    }),
    { name: 'workflow_attachment', value: definition, filename: 'task.json' },
    { name: 'workflow_attachment', value: readFileSync(path.join(EXAMPLES, 'hello-world', 'hello.cwl')), filename: 'hello.cwl' },
  ]).expect(200);
  expect(await waitForState(api.http, response.body.run_id)).toBe('COMPLETE');
  const child = (await api.http.get(`${API}/runs/${response.body.run_id}.hello`).expect(200)).body;
  expect(child.state).toBe('COMPLETE');
  expect(child.request.workflow_params).toEqual({ message: 'from a task' });
  expect(child.outputs.greeting).toMatchObject({ class: 'File', size: 'from a task\n'.length });
  // The step's row shows the child's outputs as the child's RunLog does: at their download URLs.
  const row = (await api.http.get(`${API}/runs/${response.body.run_id}/tasks/hello`).expect(200)).body;
  // Each request of the test reaches the API on a port of its own: the URLs differ only there.
  const { pathname } = new URL(row.outputs.greeting.location);
  expect(pathname).toBe(new URL(child.outputs.greeting.location).pathname);
  expect(pathname).toMatch(new RegExp(`^/ga4gh/wes/v1/runs/${response.body.run_id}\\.hello/outputs/`));
  const download = await api.http.get(pathname).expect(200);
  expect(download.text).toBe('from a task\n');
});

const step = (id: string, params: Record<string, unknown> = {}) => ({
  id,
  run: { workflow_url: 'simulated:', workflow_type: 'SIMULATED', workflow_type_version: '1', workflow_params: params },
});

describe.each([
  [
    'a parameter key given twice',
    'dwes_task: "1.0"\nparameters:\n  n: {type: integer}\n  n: {type: string}\nsteps:\n  - {id: a, run: {workflow_url: "simulated:", workflow_type: SIMULATED, workflow_type_version: "1"}}\n',
    /parameters\.n/,
  ],
  [
    'a step id that collides with a parameter',
    JSON.stringify({ dwes_task: '1.0', parameters: { a: { type: 'integer', default: 1 } }, steps: [step('a')] }),
    /steps\[0\]\.id/,
  ],
  [
    'an unknown reference',
    JSON.stringify({ dwes_task: '1.0', steps: [step('a', { x: '{% steps.nowhere.outputs %}' })] }),
    /steps\[0\]\.run\.workflow_params\.x/,
  ],
  [
    'a reference to a later step',
    JSON.stringify({ dwes_task: '1.0', steps: [step('a', { x: '{% steps.b.outputs %}' }), step('b')] }),
    /steps\[0\]\.run\.workflow_params\.x/,
  ],
  [
    'a gate schema that does not compile',
    JSON.stringify({ dwes_task: '1.0', steps: [{ id: 'g', wait_for_input: { prompt: 'p', schema: { type: 'nonsense' } } }] }),
    /steps\[0\]\.wait_for_input\.schema/,
  ],
  ['a document that is not a task', 'just: text', /dwes_task/],
  [
    'a step on a provider that is not configured',
    JSON.stringify({ dwes_task: '1.0', steps: [step('first'), { id: 'align', run: { ...step('align').run, provider: 'nope' } }] }),
    /^task\.json: steps\[1\]\.run\.provider: step align: unknown provider 'nope' \(configured: local, simulated\)$/,
  ],
  [
    'a step in a parallel branch on a provider that is not configured',
    JSON.stringify({
      dwes_task: '1.0',
      steps: [
        {
          id: 'fan',
          parallel: { branches: [{ id: 'b', steps: [step('ok'), { id: 'lost', run: { ...step('lost').run, provider: 'nope' } }] }] },
        },
      ],
    }),
    /^task\.json: steps\[0\]\.parallel\.branches\[0\]\.steps\[1\]\.run\.provider: step lost: unknown provider 'nope'/,
  ],
  [
    'a step whose provider tag names no provider',
    JSON.stringify({
      dwes_task: '1.0',
      steps: [{ id: 'a', run: { ...step('a').run, tags: { wes_provider: 'nope', n: '{% params %}' } } }],
    }),
    /steps\[0\]\.run\.tags\.wes_provider: step a: unknown provider 'nope'/,
  ],
  [
    'a step whose workflow type its provider does not run',
    JSON.stringify({ dwes_task: '1.0', steps: [{ id: 'a', run: { ...step('a').run, provider: 'local' } }] }),
    /steps\[0\]\.run: step a: provider 'local' cannot run it: local: workflow_type must be one of .*not "SIMULATED"/,
  ],
  [
    'a step whose literal parameters its provider refuses',
    JSON.stringify({ dwes_task: '1.0', steps: [step('b', { duration_ms: '{% 1 %}' }), step('a', { duration_ms: 'soon' })] }),
    /steps\[1\]\.run: step a: provider 'simulated' cannot run it: simulated: workflow_params/,
  ],
  [
    'a step workflow the task did not come with',
    JSON.stringify({
      dwes_task: '1.0',
      steps: [{ id: 'a', run: { workflow_url: 'missing.cwl', workflow_type: 'CWL', workflow_type_version: 'v1.2' } }],
    }),
    /steps\[0\]\.run\.workflow_url: "missing\.cwl" is relative/,
  ],
])('%s', (_name, definition, key) => {
  test('is a 400 that names the key', async () => {
    const response = await submitTask(definition, {}, 'task.json').expect(400);
    expectSchema('ErrorResponse', response.body);
    expect(response.body.msg).toMatch(key);
  });
});

test('steps whose provider or workflow is an expression are checked when they start, not at submission', async () => {
  const definition = JSON.stringify({
    dwes_task: '1.0',
    parameters: { where: { type: 'string' }, kind: { type: 'string' } },
    steps: [
      { id: 'a', run: { ...step('a').run, provider: '{% params.where %}' } },
      { id: 'b', run: { ...step('b').run, provider: 'local', workflow_type: '{% params.kind %}' } },
    ],
  });
  const { run_id: runId } = (await submitTask(definition, { where: 'nope', kind: 'CWL' }).expect(200)).body;
  expect(await waitForState(api.http, runId)).toBe('EXECUTOR_ERROR');
  const [a] = (await api.http.get(`${API}/runs/${runId}/tasks`).expect(200)).body.task_logs;
  expect(a).toMatchObject({ id: 'a', state: 'EXECUTOR_ERROR' });
  expect(a.system_logs[0]).toMatch(/step a: its run cannot start: provider 'nope' validate: unknown provider 'nope'/);
});

test('a task cancelled while its child runs ends CANCELED, and so do its child and its step', async () => {
  const definition = JSON.stringify({ dwes_task: '1.0', steps: [step('slow', { duration_ms: 600_000 }), step('never')] });
  const { run_id: runId } = (await submitTask(definition).expect(200)).body;
  expect(await waitForState(api.http, `${runId}.slow`, (state) => state === 'RUNNING')).toBe('RUNNING');
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
  expect((await api.http.get(`${API}/runs/${runId}.slow/status`).expect(200)).body.state).toBe('CANCELED');
  const rows = await eventually(
    async () => (await api.http.get(`${API}/runs/${runId}/tasks`).expect(200)).body.task_logs as Array<{ id: string; state: string }>,
    (found) => found[0]?.state === 'CANCELED',
  );
  expect(rows.map((row) => row.id)).toEqual(['slow']);
});

test('parameters that do not fit the definition are a 400 naming them', async () => {
  const response = await submitTask(readFileSync(REVIEW_AND_PUBLISH, 'utf8'), { samples: 0 }).expect(400);
  expect(response.body.msg).toMatch(/workflow_params\.samples/);
  expect((await submitTask(readFileSync(REVIEW_AND_PUBLISH, 'utf8'), { sample: 1 }).expect(400)).body.msg).toMatch(/sample/);
});

test('service-info lists the task type and where its schema is; the schema is served', async () => {
  const info = (await api.http.get(`${API}/service-info`).expect(200)).body;
  expect(info.workflow_type_versions['DWES-TASK']).toEqual({ workflow_type_version: ['1.0'] });
  const schemaPath = new URL(info.tags.task_schema_url).pathname;
  const schema = (await api.http.get(schemaPath).expect(200)).body;
  expect(schema.$id).toBe('urn:durable-wes:schema:dwes-task:1.0');
});
