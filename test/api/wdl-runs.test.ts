/**
 * WDL runs through the WES API on miniwdl (docs/design.md, "WDL through miniwdl"): a WDL 1.0 scatter
 * with a File input uploaded as an attachment, a WDL 1.1 workflow from the workflow roots, the calls
 * as tasks, outputs downloaded through /outputs, cancel.
 */
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
import { EXAMPLES } from '../support/harness';
import { submitRun } from '../support/submit-run';

const SCATTER = readFileSync(path.join(EXAMPLES, 'wdl-scatter', 'scatter.wdl'));
const WORDS = readFileSync(path.join(EXAMPLES, 'wdl-scatter', 'words.txt'));
const LOCAL = JSON.stringify({ wes_provider: 'local' });

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

const wdlRun = (workflowUrl: string, params: Record<string, unknown>, version = '1.0') => ({
  workflow_type: 'WDL',
  workflow_type_version: version,
  workflow_url: workflowUrl,
  workflow_params: params,
  tags: { wes_provider: 'local' },
});

describe('a WDL 1.0 scatter with a File input from its attachments', () => {
  let runId: string;
  beforeAll(async () => {
    const created = await postMultipart(api.http, [
      ...fieldParts({
        workflow_type: 'WDL',
        workflow_type_version: '1.0',
        workflow_url: 'scatter.wdl',
        workflow_params: JSON.stringify({ 'count_lines.words': 'data/words.txt', 'count_lines.prefixes': ['a', 'b', 'c'] }),
        tags: LOCAL,
      }),
      { name: 'workflow_attachment', value: SCATTER, filename: 'scatter.wdl' },
      { name: 'workflow_attachment', value: WORDS, filename: 'data/words.txt' },
    ]).expect(200);
    runId = created.body.run_id;
    expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  });

  test('runs to COMPLETE; its File output is downloaded through /outputs', async () => {
    const { body } = await api.http.get(`${API}/runs/${runId}`).expect(200);
    expectSchema('RunLog', body);
    expect(body.run_log).toMatchObject({ name: 'miniwdl', exit_code: 0 });
    expect(body.run_log.cmd.slice(1, 2)).toEqual(['run']);
    expect(body.outputs['count_lines.counts']).toEqual([2, 2, 2]);
    expect(body.outputs['count_lines.joined']).toMatchObject({ class: 'File', basename: 'joined.txt', size: 36 });
    const joined = body.outputs['count_lines.joined'];
    expect(joined.location).toBe(`${new URL(joined.location).origin}${API}/runs/${runId}/outputs/out/joined/joined.txt`);
    expect(await download(api.http, joined.location)).toBe('a:one\na:two\nb:one\nb:two\nc:one\nc:two\n');
    const listed = (await api.http.get(`${API}/runs/${runId}/outputs`).expect(200)).body.files.map((file: { path: string }) => file.path);
    expect(listed).toEqual(expect.arrayContaining(['out/joined/joined.txt', 'outputs.json', 'call-join/stdout.txt']));
    // The input was the attachment itself, linked in, never copied out of the run's staging.
    expect(listed.filter((file: string) => file.endsWith('words.txt'))).toEqual([]);
  });

  test('lists one task per call, each scatter shard apart, with its command and logs', async () => {
    const { body } = await api.http.get(`${API}/runs/${runId}/tasks`).expect(200);
    expectSchema('TaskListResponse', body);
    const tasks = body.task_logs.map(({ id, state }: { id: string; state: string }) => ({ id, state }));
    // The shards start at once, in whichever order miniwdl's threads set them up; the call after them last.
    expect(tasks.slice(0, 3).sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id))).toEqual([
      { id: 'call-tag-0-a', state: 'COMPLETE' },
      { id: 'call-tag-1-b', state: 'COMPLETE' },
      { id: 'call-tag-2-c', state: 'COMPLETE' },
    ]);
    expect(tasks.slice(3)).toEqual([{ id: 'call-join', state: 'COMPLETE' }]);
    for (const task of body.task_logs) {
      expectSchema('TaskLog', task);
      expect(Date.parse(task.start_time)).toBeLessThanOrEqual(Date.parse(task.end_time));
      expect(task.cmd).toEqual(['/bin/bash', path.join(api.harness.dataDir, 'runs', runId, 'outputs', task.id, 'command')]);
    }
    const shardB = body.task_logs.find((task: { id: string }) => task.id === 'call-tag-1-b');
    expect(readFileSync(shardB.stderr, 'utf8')).toBe('tagging b\n');
  });
});

test('a WDL 1.1 workflow from the workflow roots runs, its String and File outputs as miniwdl gives them', async () => {
  const runId = await submitRun(api.http, wdlRun(path.join(EXAMPLES, 'wdl-hello', 'hello.wdl'), { 'hello.name': 'World' }, '1.1'));
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const { body } = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expect(body.outputs['hello.joined']).toBe('Hello,Hi');
  expect(await download(api.http, body.outputs['hello.greeting'].location)).toBe('Hello, World\nHi, World\n');
});

test.each([
  ['an absolute path outside the workflow roots', '/etc/hostname', 'input /etc/hostname is outside the allowed workflow roots'],
  ['a relative path leaving the attachments', '../../../../etc/hostname', "relative input location must stay inside the run's attachments"],
])('a File input given as %s is refused; the run never starts its engine', async (_what, words, why) => {
  const runId = await submitRun(api.http, wdlRun(path.join(EXAMPLES, 'wdl-scatter', 'scatter.wdl'), { 'count_lines.words': words }));
  expect(await waitForState(api.http, runId)).toBe('EXECUTOR_ERROR');
  const { body } = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expect(JSON.stringify(body.run_log.system_logs)).toContain(why);
  expect(body.run_log.exit_code).toBeUndefined();
});

test('a running WDL call is listed RUNNING; cancelled, the run and the call end CANCELED', async () => {
  const runId = await submitRun(api.http, wdlRun(path.join(EXAMPLES, 'wdl-sleep', 'sleep.wdl'), { 'sleeper.seconds': 300 }));
  const listed = async () => (await api.http.get(`${API}/runs/${runId}/tasks`).expect(200)).body.task_logs;
  const [running] = await eventually(listed, (tasks) => tasks.length === 1, {
    what: 'the call to be listed while it runs',
    timeoutMs: 60_000,
  });
  expect(running).toMatchObject({ id: 'call-nap', state: 'RUNNING' });
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
  expect(await listed()).toEqual([expect.objectContaining({ id: 'call-nap', state: 'CANCELED' })]);
});

test('an unknown WDL version is a 400 naming the ones served', async () => {
  const { body } = await api.http
    .post(`${API}/runs`)
    .send(wdlRun(path.join(EXAMPLES, 'wdl-scatter', 'scatter.wdl'), {}, 'draft-2'))
    .expect(400);
  expect(body).toEqual({ status_code: 400, msg: expect.stringContaining('must be one of 1.0, 1.1') });
});
