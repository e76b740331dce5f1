/** CWL runs through the WES API, as a WES client submits them: multipart with attachments. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  API,
  createApiHarness,
  download,
  expectSchema,
  fieldParts,
  postMultipart,
  waitForState,
  type ApiHarness,
} from '../support/api-harness';
import { eventually } from '../support/eventually';
import { DEFAULT_CWLTOOL, EXAMPLES } from '../support/harness';
import { cwlRun, submitRun } from '../support/submit-run';

const HELLO = readFileSync(path.join(EXAMPLES, 'hello-world', 'hello.cwl'));
const LOCAL = { tags: { wes_provider: 'local' } };

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

test('a CWL workflow attached to a multipart request runs to COMPLETE with its outputs', async () => {
  const created = await api.http
    .post(`${API}/runs`)
    .field('workflow_type', 'CWL')
    .field('workflow_type_version', 'v1.2')
    .field('workflow_url', 'hello.cwl')
    .field('workflow_params', JSON.stringify({ message: 'Hello through the WES API' }))
    .field('tags', JSON.stringify({ wes_provider: 'local', suite: 'cwl-runs' }))
    .attach('workflow_attachment', HELLO, 'hello.cwl')
    .expect(200);
  expectSchema('RunId', created.body);
  const runId: string = created.body.run_id;
  expect(runId).toMatch(/^run-[0-9a-f-]{36}$/);

  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const log = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expectSchema('RunLog', log.body);
  expect(log.body).toMatchObject({
    run_id: runId,
    state: 'COMPLETE',
    request: {
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'hello.cwl',
      workflow_params: { message: 'Hello through the WES API' },
      tags: { wes_provider: 'local', suite: 'cwl-runs' },
    },
    run_log: { name: 'cwltool', exit_code: 0 },
    outputs: { greeting: expect.objectContaining({ class: 'File', basename: 'hello.txt' }) },
  });
  expect(log.body.run_log.cmd[0]).toBe(DEFAULT_CWLTOOL);
  expect(new Date(log.body.run_log.start_time).getTime()).toBeLessThanOrEqual(new Date(log.body.run_log.end_time).getTime());
  expect(await download(api.http, log.body.outputs.greeting.location)).toBe('Hello through the WES API\n');
  expect(log.body.task_logs_url).toMatch(new RegExp(`${API}/runs/${runId}/tasks$`));
  expect(log.body.transitions_url).toMatch(new RegExp(`${API}/runs/${runId}/transitions$`));
  expect(log.body.temporal_ui_url).toBe(`${api.config.temporalUiUrl}/namespaces/default/workflows/${runId}`);
});

test('attachments keep their relative directories, and the workflow_url names one by its path', async () => {
  const params = { message: 'from a subdirectory' };
  const created = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'tools/greet/hello.cwl',
      workflow_params: JSON.stringify(params),
      tags: JSON.stringify({ wes_provider: 'local' }),
    }),
    { name: 'workflow_attachment', value: HELLO, filename: 'tools/greet/hello.cwl' },
    { name: 'workflow_attachment', value: JSON.stringify(params), filename: './inputs/job.json' },
  ]).expect(200);
  expect(await waitForState(api.http, created.body.run_id)).toBe('COMPLETE');
  const log = await api.http.get(`${API}/runs/${created.body.run_id}`).expect(200);
  expect(await download(api.http, log.body.outputs.greeting.location)).toBe('from a subdirectory\n');
});

test('a run submitted as JSON names a workflow inside the allowed roots', async () => {
  const runId = await submitRun(api.http, cwlRun(path.join(EXAMPLES, 'hello-world', 'hello.cwl'), { message: 'as JSON' }, LOCAL));
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
});

/** word-count with its text input attached as `attachment`, named in workflow_params by `location`; the words it counted. */
async function countWords(location: string, attachment: string, text: string): Promise<string> {
  const created = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'wc.cwl',
      workflow_params: JSON.stringify({ text: { class: 'File', location } }),
      tags: JSON.stringify({ wes_provider: 'local' }),
    }),
    { name: 'workflow_attachment', filename: 'wc.cwl', value: readFileSync(path.join(EXAMPLES, 'word-count', 'wc.cwl')) },
    { name: 'workflow_attachment', filename: attachment, value: text },
  ]).expect(200);
  expect(await waitForState(api.http, created.body.run_id)).toBe('COMPLETE');
  const log = await api.http.get(`${API}/runs/${created.body.run_id}`).expect(200);
  return download(api.http, log.body.outputs.count.location);
}

test('a CWL workflow with a file input: the input is an attachment named relatively', async () => {
  expect(await countWords('data/words.txt', 'data/words.txt', 'one two three four\n')).toMatch(/^4 /);
});

test("a file input named by its path on the client's machine resolves to the attachment of that name (wes-client)", async () => {
  expect(await countWords('file:///home/someone/data/words.txt', 'words.txt', 'one two three\n')).toMatch(/^3 /);
});

test('a file input outside the attachments and the allowed roots fails the run before it starts', async () => {
  const params = { text: { class: 'File', location: 'file:///etc/passwd' } };
  const runId = await submitRun(api.http, cwlRun(path.join(EXAMPLES, 'word-count', 'wc.cwl'), params, LOCAL));
  expect(await waitForState(api.http, runId)).toBe('EXECUTOR_ERROR');
  const log = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expect(log.body.run_log.exit_code).toBeUndefined();
  const transitions = (await api.http.get(`${API}/runs/${runId}/transitions`).expect(200)).body.transitions;
  expect(transitions.at(-1).payload.error).toContain('input file:///etc/passwd is outside the allowed workflow roots');
});

test("a running local run's stderr is readable through the API, and its run log points there", async () => {
  const runId = await submitRun(api.http, cwlRun(path.join(EXAMPLES, 'sleep', 'sleep.cwl'), { seconds: 60 }, LOCAL));
  await waitForState(api.http, runId, (state) => state === 'RUNNING');
  const stderr = await eventually(
    async () => {
      const response = await api.http.get(`${API}/runs/${runId}/logs/stderr`);
      return response.status === 200 ? response.text : '';
    },
    (text) => text.includes('[job sleep.cwl]'),
    { intervalMs: 200, what: 'the engine to log the job on stderr' },
  );
  expect(stderr).toContain('[job sleep.cwl]');
  expect((await api.http.get(`${API}/runs/${runId}/status`).expect(200)).body.state).toBe('RUNNING');

  const log = (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
  expect(log.run_log.stderr).toMatch(new RegExp(`${API}/runs/${runId}/logs/stderr$`));
  expect((await api.http.get(`${API}/runs/${runId}/logs/stdin`).expect(404)).body).toEqual({
    msg: 'stream must be one of stdout, stderr, not "stdin"',
    status_code: 404,
  });
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
});

test('the logs of a run whose engine never started are empty, not missing', async () => {
  const held = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'hello.cwl',
      workflow_params: '{"message":"held"}',
      require_approval: 'true',
    }),
    { name: 'workflow_attachment', value: HELLO, filename: 'hello.cwl' },
  ]).expect(200);
  const runId: string = held.body.run_id;
  expect(await waitForState(api.http, runId, (state) => state === 'PAUSED')).toBe('PAUSED');
  for (const stream of ['stdout', 'stderr']) {
    const response = await api.http.get(`${API}/runs/${runId}/logs/${stream}`).expect(200);
    expect(response.type).toBe('text/plain');
    expect(response.text).toBe('');
  }
  // A provider that keeps no log: as empty.
  const simulated = await submitRun(api.http);
  expect(await waitForState(api.http, simulated)).toBe('COMPLETE');
  expect((await api.http.get(`${API}/runs/${simulated}/logs/stdout`).expect(200)).text).toBe('');
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
});
