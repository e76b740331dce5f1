/**
 * GET /runs/{run_id}/ro-crate (docs/formats.md, "Workflow Run RO-Crate") against the real API,
 * worker, Temporal, PostgreSQL and cwltool: a finished CWL workflow run (attachments), a CWL run
 * of the workflow roots, a failed run, a simulated run and a task run, as JSON-LD and as a zip; every crate unpacked and validated by roc-validator
 * against Workflow Run Crate 0.5 at REQUIRED level. A run not finished, another owner's run and an
 * Accept the endpoint cannot answer are refused with ErrorResponses.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Response } from 'supertest';
import { API, createApiHarness, fieldParts, postMultipart, waitForState, type ApiHarness, type Http } from '../support/api-harness';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { validateCrate } from '../support/ro-crate/validator';
import { cwlRun as cwlRequest, simulatedRun, submitRun } from '../support/submit-run';

const run = promisify(execFile);
const FIXTURES = path.join(__dirname, '..', 'fixtures');
const WORKFLOW = readFileSync(path.join(FIXTURES, 'ro-crate', 'count-words.cwl'));
const WORDS = 'one two three\n';
const FAILING = readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'fail', 'fail.cwl'));

type Entity = Record<string, unknown> & { '@id': string; '@type': string | string[] };
interface Metadata {
  '@context': unknown;
  '@graph': Entity[];
}

let api: ApiHarness;
let work: string;
beforeAll(async () => {
  api = await createApiHarness();
  work = await mkdtemp(path.join(os.tmpdir(), 'ro-crate-test-'));
});
afterAll(async () => {
  await api.stop();
  await rm(work, { recursive: true, force: true });
});

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');
const refIds = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((item) => item['@id']);
const types = (entity: Entity) => (Array.isArray(entity['@type']) ? entity['@type'] : [entity['@type']]);

/** The metadata as it would be from any origin: supertest gives each request a server of its own, on a port of its own. */
const anyOrigin = (metadata: Metadata): unknown =>
  JSON.parse(JSON.stringify(metadata).replace(/http:\/\/127\.0\.0\.1:\d+\//g, 'http://api/'));

function entities(metadata: Metadata): Map<string, Entity> {
  return new Map(metadata['@graph'].map((entity) => [entity['@id'], entity]));
}

async function cwlRun(workflow: Buffer, params: Record<string, unknown>, attachments: Record<string, string> = {}): Promise<string> {
  const { body } = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'workflow/main.cwl',
      workflow_params: JSON.stringify(params),
      tags: JSON.stringify({ wes_provider: 'local' }),
    }),
    { name: 'workflow_attachment', filename: 'workflow/main.cwl', value: workflow },
    ...Object.entries(attachments).map(([filename, value]) => ({ name: 'workflow_attachment', filename, value })),
  ]).expect(200);
  return body.run_id;
}

const binary = (response: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

/** The crate as a zip, unpacked into a dir of its own; its metadata and where it is. */
async function unpackedCrate(http: Http, runId: string): Promise<{ dir: string; metadata: Metadata }> {
  const response = await http.get(`${API}/runs/${runId}/ro-crate`).set('Accept', 'application/zip').buffer(true).parse(binary).expect(200);
  expect(response.headers['content-type']).toBe('application/zip');
  expect(response.headers['content-disposition']).toBe(`attachment; filename="${runId}-ro-crate.zip"`);
  const zip = path.join(work, `${runId}.zip`);
  const dir = path.join(work, runId);
  await writeFile(zip, response.body as Buffer);
  await run('python3', ['-m', 'zipfile', '-e', zip, dir]);
  return { dir, metadata: JSON.parse(await readFile(path.join(dir, 'ro-crate-metadata.json'), 'utf8')) as Metadata };
}

async function jsonLd(runId: string): Promise<Metadata> {
  const response = await api.http.get(`${API}/runs/${runId}/ro-crate`).expect(200);
  expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
  return JSON.parse(response.text) as Metadata;
}

/** Every File entity with a relative @id is in the zip with the size and sha256 the crate gives. */
async function expectFilesAsDescribed(dir: string, metadata: Metadata): Promise<number> {
  const files = metadata['@graph'].filter((entity) => types(entity).includes('File') && !/^[a-z][a-z0-9+.-]*:/i.test(entity['@id']));
  for (const file of files) {
    const content = await readFile(path.join(dir, file['@id']));
    expect({ id: file['@id'], size: file.contentSize }).toEqual({ id: file['@id'], size: content.length });
    if (file.sha256 !== undefined) expect({ id: file['@id'], sha256: file.sha256 }).toEqual({ id: file['@id'], sha256: sha256(content) });
  }
  return files.length;
}

async function expectValid(dir: string): Promise<void> {
  const validation = await validateCrate(dir);
  expect(validation.issues).toEqual([]);
  expect(validation.passed).toBe(true);
  expect(validation.profiles).toEqual(expect.arrayContaining(['workflow-run-crate-0.5', 'process-run-crate-0.5', 'workflow-ro-crate-1.0']));
}

describe('a finished CWL workflow run with attachments', () => {
  let runId: string;
  let metadata: Metadata;
  let graph: Map<string, Entity>;
  beforeAll(async () => {
    runId = await cwlRun(WORKFLOW, { text: { class: 'File', location: 'data/words.txt' }, label: 'words' }, { 'data/words.txt': WORDS });
    expect(await waitForState(api.http, runId, undefined, 120_000)).toBe('COMPLETE');
    metadata = await jsonLd(runId);
    graph = entities(metadata);
  });

  test('the zip holds the same metadata and every file it describes, and roc-validator finds no REQUIRED issue', async () => {
    const crate = await unpackedCrate(api.http, runId);
    expect(anyOrigin(crate.metadata)).toEqual(anyOrigin(metadata));
    // The workflow, its input, its output, the request and the transitions.
    expect(await expectFilesAsDescribed(crate.dir, crate.metadata)).toBe(5);
    await expectValid(crate.dir);
  });

  test('the workflow is the main entity, in CWL, with its input and output parameters', () => {
    const root = graph.get('./')!;
    expect(refIds(root.conformsTo)).toEqual(expect.arrayContaining(['https://w3id.org/ro/wfrun/workflow/0.5']));
    expect(refIds(root.mainEntity)).toEqual(['attachments/workflow/main.cwl']);
    const workflow = graph.get('attachments/workflow/main.cwl')!;
    expect(types(workflow)).toEqual(expect.arrayContaining(['File', 'SoftwareSourceCode', 'ComputationalWorkflow']));
    expect(workflow.sha256).toBe(sha256(WORKFLOW));
    const language = graph.get(refIds(workflow.programmingLanguage)[0])!;
    expect(language).toMatchObject({ '@type': 'ComputerLanguage', name: 'Common Workflow Language', version: 'v1.2' });
    expect(refIds(workflow.input).sort()).toEqual(['#param-input-label', '#param-input-text']);
    expect(refIds(workflow.output)).toEqual(['#param-output-report']);
    expect(graph.get('#param-input-text')).toMatchObject({
      additionalType: 'File',
      workExample: { '@id': 'attachments/data/words.txt' },
    });
  });

  test('the run is a completed CreateAction: its inputs, its outputs with their checksums, its times, the engine that ran it', async () => {
    const action = graph.get('#run')!;
    expect(action).toMatchObject({
      '@type': 'CreateAction',
      identifier: runId,
      actionStatus: 'http://schema.org/CompletedActionStatus',
      instrument: { '@id': 'attachments/workflow/main.cwl' },
    });
    const { body: log } = await api.http.get(`${API}/runs/${runId}`).expect(200);
    expect({ start: action.startTime, end: action.endTime }).toEqual({ start: expect.any(String), end: expect.any(String) });
    expect(Date.parse(action.endTime as string)).toBeGreaterThanOrEqual(Date.parse(action.startTime as string));
    expect(refIds(action.object).sort()).toEqual(['#input-label', 'attachments/data/words.txt']);
    expect(graph.get('#input-label')).toMatchObject({ '@type': 'PropertyValue', value: 'words' });
    expect(refIds(action.result)).toEqual(['outputs/report.txt']);
    const report = await api.http.get(`${API}/runs/${runId}/outputs/report.txt`).buffer(true).expect(200);
    expect(report.text).toBe('words: 3\n');
    expect(graph.get('outputs/report.txt')).toMatchObject({ contentSize: report.text.length, sha256: sha256(report.text) });
    expect(log.run_log.name).toBe('cwltool');
    const organize = graph.get('#orchestration')!;
    expect(refIds(organize.result)).toEqual(['#run']);
    expect(graph.get(refIds(organize.instrument)[0])).toMatchObject({
      '@type': 'SoftwareApplication',
      name: 'cwltool',
      softwareVersion: expect.any(String),
    });
  });

  test('each task is a CreateAction of its step, and the transitions are in the crate as the API lists them', async () => {
    const { body } = await api.http.get(`${API}/runs/${runId}/tasks`).expect(200);
    const actions = refIds(graph.get('#orchestration')!.object).map((id) => graph.get(id)!);
    expect(actions.map((action) => action.name).sort()).toEqual(body.task_logs.map((task: { name: string }) => task.name).sort());
    expect(actions.map((action) => action.name)).toEqual(expect.arrayContaining(['counted', 'labelled']));
    for (const action of actions) {
      expect(action).toMatchObject({ '@type': 'CreateAction', actionStatus: 'http://schema.org/CompletedActionStatus' });
      expect(graph.get(refIds(action.instrument)[0])).toMatchObject({ '@type': 'SoftwareApplication', name: action.name });
    }
    const crate = await unpackedCrate(api.http, runId);
    const { body: transitions } = await api.http.get(`${API}/runs/${runId}/transitions`).expect(200);
    expect(JSON.parse(await readFile(path.join(crate.dir, 'transitions.json'), 'utf8'))).toEqual(transitions);
    expect(refIds(graph.get('#run')!.subjectOf)).toEqual(['run-request.json', 'transitions.json']);
  });
});

test('a Directory output is a Dataset of its files, in the zip with them', async () => {
  const runId = await cwlRun(readFileSync(path.join(FIXTURES, 'cwltool', 'files-and-directory.cwl')), { message: 'hello there' });
  expect(await waitForState(api.http, runId, undefined, 120_000)).toBe('COMPLETE');
  const crate = await unpackedCrate(api.http, runId);
  const graph = entities(crate.metadata);
  expect(graph.get('#param-output-report')).toMatchObject({ additionalType: 'Dataset', workExample: { '@id': 'outputs/report/' } });
  expect(graph.get('outputs/report/')).toMatchObject({ '@type': 'Dataset' });
  expect(refIds(graph.get('outputs/report/')!.hasPart).sort()).toEqual(['outputs/report/a b.txt', 'outputs/report/deeper/b.csv']);
  expect(await readFile(path.join(crate.dir, 'outputs', 'report', 'a b.txt'), 'utf8')).toBe('alpha\n');
  await expectFilesAsDescribed(crate.dir, crate.metadata);
  await expectValid(crate.dir);
});

test('a failed run: a failed CreateAction with its error, still a valid crate', async () => {
  const runId = await cwlRun(FAILING, {});
  expect(await waitForState(api.http, runId, undefined, 120_000)).toBe('EXECUTOR_ERROR');
  const crate = await unpackedCrate(api.http, runId);
  expect(anyOrigin(crate.metadata)).toEqual(anyOrigin(await jsonLd(runId)));
  expect(entities(crate.metadata).get('#run')).toMatchObject({
    actionStatus: 'http://schema.org/FailedActionStatus',
    error: expect.any(String),
  });
  await expectValid(crate.dir);
});

test('a workflow of the workflow roots is in the crate; an input file of the host, which is not, is a PropertyValue', async () => {
  const wordCount = path.resolve(__dirname, '..', '..', 'examples', 'word-count');
  const text = { class: 'File', location: path.join(wordCount, 'words.txt') };
  const runId = await submitRun(api.http, { ...cwlRequest(path.join(wordCount, 'wc.cwl'), { text }), tags: { wes_provider: 'local' } });
  expect(await waitForState(api.http, runId, undefined, 120_000)).toBe('COMPLETE');
  const crate = await unpackedCrate(api.http, runId);
  const graph = entities(crate.metadata);
  expect(refIds(graph.get('./')!.mainEntity)).toEqual(['workflow/wc.cwl']);
  expect(graph.get('workflow/wc.cwl')).toMatchObject({ sha256: sha256(readFileSync(path.join(wordCount, 'wc.cwl'))) });
  expect(graph.get('#input-text')).toMatchObject({ '@type': 'PropertyValue', value: JSON.stringify(text) });
  expect(refIds(graph.get('#run')!.result)).toEqual(['outputs/count.txt']);
  await expectFilesAsDescribed(crate.dir, crate.metadata);
  await expectValid(crate.dir);
});

test('a simulated run: a stand-in for the workflow the service holds no text of, its parameters as PropertyValues, a valid crate', async () => {
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 0, outputs: { answer: 42 } }));
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const crate = await unpackedCrate(api.http, runId);
  const graph = entities(crate.metadata);
  expect(refIds(graph.get('./')!.mainEntity)).toEqual(['workflow.uri']);
  expect(graph.get('workflow.uri')).toMatchObject({ encodingFormat: 'text/uri-list', url: 'simulated:' });
  expect(await readFile(path.join(crate.dir, 'workflow.uri'), 'utf8')).toBe('simulated:\n');
  expect(graph.get('#input-duration_ms')).toMatchObject({ '@type': 'PropertyValue', value: 0 });
  expect(graph.get('#param-input-duration_ms')).toMatchObject({ additionalType: 'Integer' });
  expect(graph.get('#output-answer')).toMatchObject({ '@type': 'PropertyValue', value: 42 });
  expect(graph.get('#engine')).toMatchObject({ name: 'simulated' });
  await expectValid(crate.dir);
});

test('a task run: its definition as the workflow, its steps as actions pointing at their runs, a valid crate', async () => {
  const definition = path.resolve(__dirname, '..', '..', 'examples', 'tasks', 'fan-out.yaml');
  const runId = await submitRun(api.http, {
    workflow_type: 'DWES-TASK',
    workflow_type_version: '1.0',
    workflow_url: definition,
    workflow_params: { duration_ms: 50 },
  });
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const crate = await unpackedCrate(api.http, runId);
  const graph = entities(crate.metadata);
  const workflow = graph.get('workflow/fan-out.yaml')!;
  expect(workflow.sha256).toBe(sha256(readFileSync(definition)));
  expect(graph.get(refIds(workflow.programmingLanguage)[0])).toMatchObject({
    '@type': 'ComputerLanguage',
    name: 'DWES-TASK',
    version: '1.0',
  });
  const { body } = await api.http.get(`${API}/runs/${runId}/tasks?page_size=100`).expect(200);
  const steps = crate.metadata['@graph'].filter((entity) => entity['@id'].startsWith('#task-'));
  expect(steps.map((step) => step.identifier).sort()).toEqual(body.task_logs.map((task: { id: string }) => task.id).sort());
  for (const task of body.task_logs.filter((log: { child_run_id?: string }) => log.child_run_id)) {
    const step = steps.find((candidate) => candidate.identifier === task.id)!;
    expect(new URL(step.url as string).pathname).toBe(`${API}/runs/${task.child_run_id}`);
  }
  await expectValid(crate.dir);
});

test('the validator is not a formality: a crate whose run names no instrument fails it', async () => {
  const runId = await submitRun(api.http, simulatedRun());
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const crate = await unpackedCrate(api.http, runId);
  const action = crate.metadata['@graph'].find((entity) => entity['@id'] === '#run')!;
  delete action.instrument;
  await writeFile(path.join(crate.dir, 'ro-crate-metadata.json'), JSON.stringify(crate.metadata));
  const validation = await validateCrate(crate.dir);
  expect(validation.passed).toBe(false);
  expect(validation.issues).toEqual(
    expect.arrayContaining([expect.objectContaining({ severity: 'REQUIRED', entity: expect.stringMatching(/#run$/) })]),
  );
});

test('a run not finished yet is a 409, an Accept it cannot answer a 406, a run that does not exist a 404', async () => {
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 60_000 }));
  const { body } = await api.http.get(`${API}/runs/${runId}/ro-crate`).expect(409);
  expect(body).toEqual({ msg: expect.stringContaining('RO-Crate'), status_code: 409 });
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
  const refused = await api.http.get(`${API}/runs/${runId}/ro-crate`).set('Accept', 'text/html').expect(406);
  expect(refused.body).toEqual({ msg: expect.any(String), status_code: 406 });
  const missing = await api.http.get(`${API}/runs/no-such-run/ro-crate`).expect(404);
  expect(missing.body).toEqual({ msg: expect.any(String), status_code: 404 });
});

test("another owner's run is answered as one that does not exist; its owner is the run's agent", async () => {
  const { http } = await api.createApp(keyAuth(['alice', 'alice', READ_WRITE], ['bob', 'bob', READ_WRITE]));
  const runId = await submitRun(http, simulatedRun(), { bearer: testKey('alice') });
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const refused = await http.get(`${API}/runs/${runId}/ro-crate`).auth(testKey('bob'), { type: 'bearer' }).expect(404);
  expect(refused.body).toEqual({ msg: `run ${runId} not found`, status_code: 404 });
  await http.get(`${API}/runs/${runId}/ro-crate`).expect(401);
  const { text } = await http.get(`${API}/runs/${runId}/ro-crate`).auth(testKey('alice'), { type: 'bearer' }).expect(200);
  const graph = entities(JSON.parse(text) as Metadata);
  expect(graph.get(refIds(graph.get('#run')!.agent)[0])).toMatchObject({ '@type': 'Person', name: 'alice' });
});
