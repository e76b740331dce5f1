/**
 * JSON numbers beyond a double keep their digits from the request to the engine and from the
 * engine's outputs back to the client (docs/formats.md, "Numbers"). Asserted on raw texts (the
 * engine's inputs.json, the API's answer bodies): a parsed value would hide what changed on the way.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runWorkDir, STAGING_DIR } from '../../activities/work-dir';
import { parseExactJson, stringifyExactJson } from '../../domain/exact-json';
import { API, createApiHarness, fieldParts, postMultipart, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { EXAMPLES } from '../support/harness';

/** A long beyond 2^53, a double cwltool reads as a Python int, a decimal with more digits than a double keeps. */
const PARAMS = '{"big":4200000000000000000000000000000000000000000,"long":9007199254740993,"precise":0.1000000000000000055511151231257827}';
const TOOL_FILE = path.join(__dirname, '..', 'fixtures', 'cwltool', 'echo-numbers.cwl');

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

/** What bare cwltool (on PATH: the version the local provider runs by default) prints as the outputs of `tool` on `job`. */
async function bareCwltool(tool: string, job: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'exact-numbers-'));
  try {
    await writeFile(path.join(dir, 'job.json'), job);
    const { stdout } = await promisify(execFile)(
      'cwltool',
      ['--quiet', '--outdir', path.join(dir, 'out'), tool, path.join(dir, 'job.json')],
      {
        cwd: dir,
      },
    );
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a CWL run gets its workflow_params digit for digit, and its outputs come back as bare cwltool prints them', async () => {
  const created = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'echo-numbers.cwl',
      workflow_params: PARAMS,
      tags: JSON.stringify({ wes_provider: 'local' }),
    }),
    { name: 'workflow_attachment', value: readFileSync(TOOL_FILE), filename: 'echo-numbers.cwl' },
  ]).expect(200);
  const runId: string = created.body.run_id;
  // The job order lives as long as the run does: read while it runs.
  const jobOrder = path.join(runWorkDir(api.harness.dataDir, runId), STAGING_DIR, 'inputs.json');
  const inputs = await eventually(
    () => readFile(jobOrder, 'utf8').catch(() => undefined),
    (text) => text !== undefined,
    {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'the job order of the run',
    },
  );
  expect(inputs).toBe(PARAMS);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const log = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expect(log.text).toContain(`"workflow_params":${PARAMS}`);
  // cwltool holds the decimal as a Python float: what it prints for it is what it computed with.
  expect(log.text).toContain('"same":{"big":4200000000000000000000000000000000000000000,"long":9007199254740993,"precise":0.1}');
  const bare = parseExactJson(await bareCwltool(TOOL_FILE, PARAMS)) as { same: unknown };
  expect(log.text).toContain(`"same":${stringifyExactJson(bare.same)}`);
});

test('a JSON body keeps its numbers through a run: the request as echoed and the outputs', async () => {
  const request = `{"workflow_type":"SIMULATED","workflow_type_version":"1","workflow_url":"simulated:","workflow_params":{"duration_ms":0,"outputs":${PARAMS}}}`;
  const created = await api.http.post(`${API}/runs`).set('content-type', 'application/json').send(request).expect(200);
  const runId: string = created.body.run_id;
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const log = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expect(log.headers['content-type']).toMatch(/^application\/json/);
  // The request's workflow_params.outputs, and the simulated provider's received_params.outputs.
  expect(log.text.split(`"outputs":${PARAMS}`)).toHaveLength(3);
  expect(log.text).toContain(`"outputs":${PARAMS.slice(0, -1)},"received_params":`);
});

test('a JSON body that is not JSON is a 400 ErrorResponse', async () => {
  const refused = await api.http.post(`${API}/runs`).set('content-type', 'application/json').send('{"workflow_params": 1e').expect(400);
  expect(refused.body).toEqual({ msg: expect.stringMatching(/^request body: /), status_code: 400 });
});

test('a task run refuses a number beyond a double, naming where it is: its expressions compute on doubles', async () => {
  const refused = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'DWES-TASK',
      workflow_type_version: '1.0',
      workflow_url: 'task.yaml',
      workflow_params: '{"samples":{"count":9007199254740993}}',
    }),
    { name: 'workflow_attachment', value: readFileSync(path.join(EXAMPLES, 'tasks', 'review-and-publish.yaml')), filename: 'task.yaml' },
  ]).expect(400);
  expect(refused.body.msg).toMatch(/^workflow_params\.samples\.count: a DWES-TASK computes with numbers a double holds exactly/);
});
