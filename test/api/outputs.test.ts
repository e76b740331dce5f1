/**
 * A local CWL run's outputs through the API (docs/design.md, "Outputs"): the real app, worker and
 * cwltool. Listed, downloaded whole and by range, a directory's files listed, traversal refused, and
 * RunLog.outputs pointing at the download URLs.
 */
import { readFileSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { OUTPUTS_DIR, runWorkDir } from '../../activities/work-dir';
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
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { EXAMPLES } from '../support/harness';
import { submitRun } from '../support/submit-run';

const TOOL = readFileSync(path.join(__dirname, '..', 'fixtures', 'cwltool', 'files-and-directory.cwl'));
const GREETING = 'hello there\n';

let api: ApiHarness;
let runId: string;
let outputs: string;
beforeAll(async () => {
  api = await createApiHarness();
  const { body } = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'files-and-directory.cwl',
      workflow_params: JSON.stringify({ message: 'hello there' }),
      tags: JSON.stringify({ wes_provider: 'local' }),
    }),
    { name: 'workflow_attachment', filename: 'files-and-directory.cwl', value: TOOL },
  ]).expect(200);
  runId = body.run_id;
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  outputs = `${API}/runs/${runId}/outputs`;
});
afterAll(() => api.stop());

const onDisk = (file: string) => readFile(path.join(runWorkDir(api.config.dataDir, runId), OUTPUTS_DIR, file), 'utf8');

test('the list has every file, those of the Directory output too, with sizes and download URLs', async () => {
  const { body } = await api.http.get(outputs).expect(200).expect('content-type', /json/);
  expectSchema('OutputFileList', body);
  expect(body.files.map(({ path, size }: { path: string; size: number }) => ({ path, size }))).toEqual([
    { path: 'greeting.txt', size: GREETING.length },
    { path: 'report/a b.txt', size: 'alpha\n'.length },
    { path: 'report/deeper/b.csv', size: 'beta\n'.length },
  ]);
  expect(new URL(body.files[1].url).pathname).toBe(`${outputs}/report/a%20b.txt`);
  for (const file of body.files) expect(await download(api.http, file.url)).toBe(await onDisk(file.path));
});

test('a file downloads whole, with its type, length, validators, and answers a conditional GET with 304', async () => {
  const response = await api.http.get(`${outputs}/greeting.txt`).expect(200);
  expect(response.text).toBe(GREETING);
  expect(response.headers).toMatchObject({
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(GREETING.length),
    'accept-ranges': 'bytes',
    etag: expect.any(String),
    'last-modified': expect.any(String),
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'sandbox',
  });
  await api.http.get(`${outputs}/greeting.txt`).set('If-None-Match', response.headers.etag).expect(304);
  expect((await api.http.get(`${outputs}/report/deeper/b.csv`).expect(200)).headers['content-type']).toMatch(/^text\/csv/);
});

test('HEAD tells the size and validators of a file without its bytes', async () => {
  const response = await api.http.head(`${outputs}/greeting.txt`).expect(200);
  expect(response.headers).toMatchObject({ 'content-length': String(GREETING.length), 'accept-ranges': 'bytes', etag: expect.any(String) });
  expect(response.text).toBeUndefined();
});

test('a range is a 206 with those bytes; a suffix range too', async () => {
  const part = await api.http.get(`${outputs}/greeting.txt`).set('Range', 'bytes=6-10').expect(206);
  expect(part.text).toBe('there');
  expect(part.headers).toMatchObject({ 'content-range': `bytes 6-10/${GREETING.length}`, 'content-length': '5' });
  const tail = await api.http.get(`${outputs}/greeting.txt`).set('Range', 'bytes=-3').expect(206);
  expect(tail.text).toBe('re\n');
});

test('a range outside the file is a 416 ErrorResponse that gives the size', async () => {
  const response = await api.http
    .get(`${outputs}/greeting.txt`)
    .set('Range', `bytes=${GREETING.length + 10}-`)
    .expect(416);
  expect(response.body).toEqual({ msg: expect.stringContaining('range'), status_code: 416 });
  expect(response.headers['content-range']).toBe(`bytes */${GREETING.length}`);
});

test('a directory of the outputs answers the list of its files', async () => {
  const { body } = await api.http.get(`${outputs}/report`).expect(200);
  expectSchema('OutputFileList', body);
  expect(body.files.map((file: { path: string }) => file.path)).toEqual(['report/a b.txt', 'report/deeper/b.csv']);
});

test('RunLog.outputs: every File and Directory location is its download URL, giving the same bytes; path is where it lies on the host', async () => {
  const { body } = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expectSchema('RunLog', body);
  const { greeting, report } = body.outputs;
  const hostOutputs = path.join(runWorkDir(api.config.dataDir, runId), OUTPUTS_DIR);
  expect(new URL(greeting.location).pathname).toBe(`${outputs}/greeting.txt`);
  expect(greeting.path).toBe(path.join(hostOutputs, 'greeting.txt'));
  expect(await download(api.http, greeting.location)).toBe(GREETING);
  expect(new URL(report.location).pathname).toBe(`${outputs}/report`);
  const [file, deeper] = report.listing;
  expect(new URL(file.location).pathname).toBe(`${outputs}/report/a%20b.txt`);
  expect(await readFile(file.path, 'utf8')).toBe('alpha\n');
  expect(await download(api.http, file.location)).toBe('alpha\n');
  expect(await download(api.http, deeper.listing[0].location)).toBe('beta\n');
  // The other fields are the engine's.
  expect(greeting).toMatchObject({
    class: 'File',
    basename: 'greeting.txt',
    size: GREETING.length,
    checksum: expect.stringMatching(/^sha1\$/),
  });
});

// request.json lies beside the outputs dir, in the run's work dir: a path that climbs would find it.
test.each([
  ['a parent segment', '..%2Frequest.json'],
  ['a parent segment, dots encoded', '%2e%2e/request.json'],
  ['a parent segment further in', 'report/..%2F..%2Frequest.json'],
  ['an absolute path', '%2Fetc%2Fpasswd'],
  ['an empty segment', 'report//a%20b.txt'],
  ['a NUL', 'greeting.txt%00.png'],
  ['a file that is not there', 'nothing.txt'],
])('%s names no output: 404 ErrorResponse', async (_what, wanted) => {
  expect(await onDisk('../request.json')).toContain('files-and-directory.cwl');
  const response = await api.http.get(`${outputs}/${wanted}`).expect(404);
  expect(response.body).toEqual({ msg: expect.any(String), status_code: 404 });
});

test('a symlink out of the outputs is neither served nor listed; one inside them is served', async () => {
  const dir = path.join(runWorkDir(api.config.dataDir, runId), OUTPUTS_DIR);
  await symlink(path.join(dir, '..', 'process', 'stdout'), path.join(dir, 'escape'));
  await symlink(path.join(dir, 'greeting.txt'), path.join(dir, 'alias.txt'));
  expect((await api.http.get(`${outputs}/escape`).expect(404)).body.status_code).toBe(404);
  expect((await api.http.get(`${outputs}/alias.txt`).expect(200)).text).toBe(GREETING);
  const { body } = await api.http.get(outputs).expect(200);
  expect(body.files.map((file: { path: string }) => file.path)).not.toContain('escape');
});

test('another owner sees no outputs of the run: 404', async () => {
  const { http } = await api.createApp(keyAuth(['alice', 'alice', READ_WRITE]));
  for (const url of [outputs, `${outputs}/greeting.txt`]) {
    expect(
      (
        await http
          .get(url)
          .set('Authorization', `Bearer ${testKey('alice')}`)
          .expect(404)
      ).body.status_code,
    ).toBe(404);
  }
});

test('a run without files (simulated) lists none, and has no output to download', async () => {
  const simulated = await submitRun(api.http);
  await waitForState(api.http, simulated);
  expect((await api.http.get(`${API}/runs/${simulated}/outputs`).expect(200)).body).toEqual({ files: [] });
  await api.http.get(`${API}/runs/${simulated}/outputs/anything.txt`).expect(404);
  await api.http.get(`${API}/runs/run-00000000-0000-0000-0000-000000000000/outputs`).expect(404);
});

test("a Snakemake run's outputs: its files, not Snakemake's records, and RunLog.outputs linking them", async () => {
  const smkRun = await submitRun(api.http, {
    workflow_type: 'SMK',
    workflow_type_version: '1.0',
    workflow_url: path.join(EXAMPLES, 'snakemake-hello', 'Snakefile'),
    workflow_params: { message: 'snake outputs' },
    tags: { wes_provider: 'local' },
  });
  expect(await waitForState(api.http, smkRun)).toBe('COMPLETE');
  const smkOutputs = `${API}/runs/${smkRun}/outputs`;
  const list = (await api.http.get(smkOutputs).expect(200)).body;
  expect(list.files.map((file: { path: string }) => file.path)).toEqual(['results/greeting.txt', 'results/words.txt']);
  const log = (await api.http.get(`${API}/runs/${smkRun}`).expect(200)).body;
  expect(new URL(log.outputs['results/greeting.txt'].location).pathname).toBe(`${smkOutputs}/results/greeting.txt`);
  expect(await download(api.http, log.outputs['results/greeting.txt'].location)).toBe('snake outputs\n');
  await api.http.get(`${smkOutputs}/.snakemake/log`).expect(404);
});

test('the outputs routes and their schemas are in the served document, marked as ours', async () => {
  const document = (await api.http.get('/docs-json').expect(200)).body;
  expect(document.paths['/runs/{run_id}/outputs'].get['x-durable-wes-extension']).toBe(true);
  expect(document.paths['/runs/{run_id}/outputs/{path}'].get['x-durable-wes-extension']).toBe(true);
  expect(Object.keys(document.paths['/runs/{run_id}/outputs/{path}'].get.responses)).toEqual(
    expect.arrayContaining(['200', '206', '302', '404', '416', '502', '503']),
  );
  for (const schema of ['OutputFile', 'OutputFileList']) expect(document.components.schemas[schema]['x-durable-wes-extension']).toBe(true);
});

test("a task run's outputs that are files of its steps' runs link to those runs' download URLs", async () => {
  const definition = JSON.stringify({
    dwes_task: '1.0',
    steps: [
      {
        id: 'hello',
        run: {
          provider: 'local',
          workflow_url: 'hello.cwl',
          workflow_type: 'CWL',
          workflow_type_version: 'v1.2',
          workflow_params: { message: 'from a step' },
        },
      },
    ],
    outputs: { greeting: '{% steps.hello.outputs.greeting %}' },
  });
  const { body } = await postMultipart(api.http, [
    ...fieldParts({ workflow_type: 'DWES-TASK', workflow_type_version: '1.0', workflow_url: 'task.json' }),
    { name: 'workflow_attachment', value: definition, filename: 'task.json' },
    { name: 'workflow_attachment', value: readFileSync(path.join(EXAMPLES, 'hello-world', 'hello.cwl')), filename: 'hello.cwl' },
  ]).expect(200);
  expect(await waitForState(api.http, body.run_id)).toBe('COMPLETE');
  const { greeting } = (await api.http.get(`${API}/runs/${body.run_id}`).expect(200)).body.outputs;
  expect(new URL(greeting.location).pathname).toBe(`${API}/runs/${body.run_id}.hello/outputs/hello.txt`);
  expect(await download(api.http, greeting.location)).toBe('from a step\n');
});
