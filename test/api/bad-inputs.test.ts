/**
 * Every kind of bad request gets the right ErrorResponse status and shape, and never a 500.
 * Table-driven: each case is a request and the status it must get.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Test } from 'supertest';
import {
  API,
  createApiHarness,
  expectSchema,
  fieldParts,
  postMultipart,
  waitForState,
  type ApiHarness,
  type Http,
  type Part,
} from '../support/api-harness';
import { postRun, simulatedRun, submitRun, type RunRequest } from '../support/submit-run';

const MAX_ATTACHMENT_BYTES = 4096;

let api: ApiHarness;
let completedRun: string;
beforeAll(async () => {
  api = await createApiHarness({ maxAttachmentBytes: MAX_ATTACHMENT_BYTES });
  completedRun = await submitRun(api.http);
  await waitForState(api.http, completedRun);
});
afterAll(() => api.stop());

const VALID_FIELDS: Record<string, string> = {
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: 'hello.cwl',
  workflow_params: '{"message":"hi"}',
  tags: '{"wes_provider":"local"}',
};
const HELLO_PART: Part = { name: 'workflow_attachment', value: 'cwlVersion: v1.2\n', filename: 'hello.cwl' };

/** A multipart run request: the valid fields changed by `fields`, then `parts`. */
const form = (http: Http, fields: Record<string, string | undefined> = {}, parts: Part[] = [HELLO_PART]) =>
  postMultipart(http, [...fieldParts({ ...VALID_FIELDS, ...fields }), ...parts]);

const attachment = (filename: string, value: string | Buffer = 'x'): Part[] => [
  HELLO_PART,
  { name: 'workflow_attachment', value, filename },
];

/** A SIMULATED run's JSON request with these fields changed. */
const json = (http: Http, fields: RunRequest) => postRun(http, simulatedRun({ duration_ms: 0 }, fields));

interface Case {
  name: string;
  send: (http: Http) => Test;
  status: number;
  msg?: RegExp;
}

const unknownRun = 'run-00000000-0000-4000-8000-000000000000';

const cases: Case[] = [
  {
    name: 'workflow_params that is not JSON',
    send: (http) => form(http, { workflow_params: '{"message":' }),
    status: 400,
    msg: /workflow_params is not valid JSON/,
  },
  {
    name: 'workflow_params that is a JSON array',
    send: (http) => form(http, { workflow_params: '["hi"]' }),
    status: 400,
    msg: /workflow_params must be an object/,
  },
  { name: 'tags with a non-string value', send: (http) => form(http, { tags: '{"a":1}' }), status: 400, msg: /tags\.a must be a string/ },
  { name: 'missing workflow_url', send: (http) => form(http, { workflow_url: undefined }), status: 400, msg: /workflow_url is required/ },
  {
    name: 'missing workflow_type',
    send: (http) => form(http, { workflow_type: undefined }),
    status: 400,
    msg: /workflow_type is required/,
  },
  {
    name: 'missing workflow_type_version',
    send: (http) => form(http, { workflow_type_version: undefined }),
    status: 400,
    msg: /workflow_type_version is required/,
  },
  { name: 'unknown workflow_type', send: (http) => form(http, { workflow_type: 'NFL' }), status: 400, msg: /workflow_type .*"NFL"/ },
  {
    name: 'unsupported CWL version',
    send: (http) => form(http, { workflow_type_version: 'v0.9' }),
    status: 400,
    msg: /workflow_type_version.*"v0\.9"/,
  },
  {
    name: 'unknown provider',
    send: (http) => form(http, { tags: '{"wes_provider":"nowhere"}' }),
    status: 400,
    msg: /unknown provider 'nowhere'/,
  },
  { name: 'an engine we do not have', send: (http) => form(http, { workflow_engine: 'toil' }), status: 400, msg: /toil/ },
  { name: 'an unknown field', send: (http) => form(http, { provider: 'local' }), status: 400, msg: /unknown field 'provider'/ },
  {
    name: 'a field given twice',
    send: (http) => form(http, {}, [HELLO_PART, { name: 'workflow_url', value: 'other.cwl' }]),
    status: 400,
    msg: /workflow_url must be a string/,
  },
  {
    name: 'require_approval that is not a boolean',
    send: (http) => form(http, { require_approval: 'yes' }),
    status: 400,
    msg: /require_approval must be a boolean/,
  },
  {
    name: 'a relative workflow_url that names no attachment',
    send: (http) => form(http, { workflow_url: 'missing.cwl' }),
    status: 400,
    msg: /no workflow_attachment has that filename/,
  },
  {
    name: 'a path-traversal attachment filename',
    send: (http) => form(http, {}, attachment('../evil.cwl')),
    status: 400,
    msg: /parent directory/,
  },
  {
    name: 'a nested path-traversal attachment filename',
    send: (http) => form(http, {}, attachment('dir/../../evil.cwl')),
    status: 400,
    msg: /parent directory/,
  },
  {
    name: 'an absolute attachment filename',
    send: (http) => form(http, {}, attachment('/etc/evil.cwl')),
    status: 400,
    msg: /is absolute/,
  },
  {
    name: 'an attachment filename with an empty segment',
    send: (http) => form(http, {}, attachment('dir//evil.cwl')),
    status: 400,
    msg: /empty path segment/,
  },
  {
    name: 'two attachments with the same filename and different contents',
    send: (http) => form(http, {}, attachment('hello.cwl')),
    status: 400,
    msg: /same filename, hello.cwl, and different contents/,
  },
  {
    name: 'an attachment that is both a file and a directory',
    send: (http) => form(http, {}, attachment('hello.cwl/inner.cwl')),
    status: 400,
    msg: /both a file and the directory/,
  },
  {
    name: 'an oversized attachment',
    send: (http) => form(http, {}, attachment('big.bin', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 'x'))),
    status: 413,
    msg: new RegExp(`larger than ${MAX_ATTACHMENT_BYTES} bytes`),
  },
  {
    name: 'a file part that is not workflow_attachment',
    send: (http) => form(http, {}, [HELLO_PART, { name: 'something_else', value: 'x', filename: 'x.cwl' }]),
    status: 400,
  },
  {
    name: 'a JSON body that is not JSON',
    send: (http) => http.post(`${API}/runs`).set('content-type', 'application/json').send('{"workflow_type":'),
    status: 400,
  },
  { name: 'a JSON body that is an array', send: (http) => http.post(`${API}/runs`).send([1, 2]), status: 400 },
  {
    name: 'JSON workflow_params as a string',
    send: (http) => json(http, { workflow_params: '{}' }),
    status: 400,
    msg: /workflow_params must be an object/,
  },
  {
    name: 'JSON workflow_type of the wrong type',
    send: (http) => json(http, { workflow_type: 7 }),
    status: 400,
    msg: /workflow_type must be a string/,
  },
  { name: 'a misspelt JSON field', send: (http) => json(http, { workflow_prams: {} }), status: 400, msg: /unknown field 'workflow_prams'/ },
  {
    name: 'an empty JSON workflow_type',
    send: (http) => json(http, { workflow_type: '' }),
    status: 400,
    msg: /workflow_type must not be empty/,
  },
  {
    name: 'JSON tags with a non-string value',
    send: (http) => json(http, { tags: { x: 1 } }),
    status: 400,
    msg: /tags\.x must be a string/,
  },
  {
    name: 'an approval tag that is neither true nor false',
    send: (http) => json(http, { tags: { wes_require_approval: 'yes' } }),
    status: 400,
    msg: /tags\.wes_require_approval must be one of true, false/,
  },
  {
    name: 'workflow_engine_version without workflow_engine',
    send: (http) => json(http, { workflow_engine_version: '1' }),
    status: 400,
    msg: /workflow_engine is required when workflow_engine_version is given/,
  },
  {
    name: 'simulated params the provider refuses',
    send: (http) => json(http, { workflow_params: { duration_ms: -1 } }),
    status: 400,
    msg: /duration_ms/,
  },
  {
    name: 'a body of another content type',
    send: (http) => http.post(`${API}/runs`).set('content-type', 'text/plain').send('hi'),
    status: 400,
  },
  { name: 'no body at all', send: (http) => http.post(`${API}/runs`), status: 400 },
  {
    name: 'a bad Idempotency-Key',
    send: (http) => postRun(http, simulatedRun(), { idempotencyKey: 'x'.repeat(300) }),
    status: 400,
    msg: /Idempotency-Key/,
  },
  { name: 'page_size 0', send: (http) => http.get(`${API}/runs?page_size=0`), status: 400, msg: /page_size/ },
  { name: 'page_size 5000', send: (http) => http.get(`${API}/runs?page_size=5000`), status: 400, msg: /page_size/ },
  { name: "page_size 'abc'", send: (http) => http.get(`${API}/runs?page_size=abc`), status: 400, msg: /page_size/ },
  { name: 'page_size given twice', send: (http) => http.get(`${API}/runs?page_size=1&page_size=2`), status: 400, msg: /page_size/ },
  { name: 'a garbage page_token', send: (http) => http.get(`${API}/runs?page_token=garbage`), status: 400, msg: /page token/ },
  {
    name: 'an unknown state filter',
    send: (http) => http.get(`${API}/runs?state=SLEEPING`),
    status: 400,
    msg: /state\[0\] must be one of .*, not "SLEEPING"/,
  },
  { name: 'an empty state filter', send: (http) => http.get(`${API}/runs?state=`), status: 400, msg: /state\[0\] must be one of/ },
  {
    name: 'a tag filter without a value separator',
    send: (http) => http.get(`${API}/runs?tag=novalue`),
    status: 400,
    msg: /tag\[0\] must match pattern/,
  },
  { name: 'a tag filter with a NUL', send: (http) => http.get(`${API}/runs?tag=a:%00`), status: 400, msg: /tag\[0\] must match pattern/ },
  { name: 'a run id with a NUL', send: (http) => http.get(`${API}/runs/run-%00`), status: 404 },
  { name: 'tasks: page_size 0', send: (http) => http.get(`${API}/runs/${completedRun}/tasks?page_size=0`), status: 400 },
  { name: 'tasks: a garbage page_token', send: (http) => http.get(`${API}/runs/${completedRun}/tasks?page_token=garbage`), status: 400 },
  { name: 'unknown run: GET', send: (http) => http.get(`${API}/runs/${unknownRun}`), status: 404 },
  { name: 'unknown run: status', send: (http) => http.get(`${API}/runs/${unknownRun}/status`), status: 404 },
  { name: 'unknown run: cancel', send: (http) => http.post(`${API}/runs/${unknownRun}/cancel`), status: 404 },
  { name: 'unknown run: tasks', send: (http) => http.get(`${API}/runs/${unknownRun}/tasks`), status: 404 },
  { name: 'unknown run: task', send: (http) => http.get(`${API}/runs/${unknownRun}/tasks/1`), status: 404 },
  { name: 'unknown run: resume', send: (http) => http.post(`${API}/runs/${unknownRun}/resume`).send({}), status: 404 },
  { name: 'unknown run: transitions', send: (http) => http.get(`${API}/runs/${unknownRun}/transitions`), status: 404 },
  { name: 'unknown run: DELETE', send: (http) => http.delete(`${API}/runs/${unknownRun}`), status: 404 },
  { name: 'unknown run: transitions followed', send: (http) => http.get(`${API}/runs/${unknownRun}/transitions?follow=true`), status: 404 },
  { name: 'unknown run: log followed', send: (http) => http.get(`${API}/runs/${unknownRun}/logs/stderr?follow=true`), status: 404 },
  { name: 'unknown run: outputs', send: (http) => http.get(`${API}/runs/${unknownRun}/outputs`), status: 404 },
  { name: 'unknown run: an output file', send: (http) => http.get(`${API}/runs/${unknownRun}/outputs/a/b.txt`), status: 404 },
  { name: 'an output that is not there', send: (http) => http.get(`${API}/runs/${completedRun}/outputs/a/b.txt`), status: 404 },
  {
    name: 'a followed log with a bad Last-Event-ID',
    send: (http) => http.get(`${API}/runs/${completedRun}/logs/stdout?follow=true`).set('Last-Event-ID', '-1'),
    status: 400,
  },
  { name: 'a run id that is not one of ours', send: (http) => http.get(`${API}/runs/..%2F..%2Fetc`), status: 404 },
  { name: 'a malformed percent-encoding', send: (http) => http.get(`${API}/runs/%E0%A4%A`), status: 400 },
  {
    name: 'cancel of a completed run',
    send: (http) => http.post(`${API}/runs/${completedRun}/cancel`),
    status: 409,
    msg: /already ended as COMPLETE/,
  },
  {
    name: 'resume with a body that is not an object',
    send: (http) => http.post(`${API}/runs/${completedRun}/resume`).send([1]),
    status: 400,
  },
  { name: 'an unknown route', send: (http) => http.get(`${API}/nothing-here`), status: 404 },
  {
    name: 'an unknown method on a known route',
    send: (http) => http.put(`${API}/runs`),
    status: 405,
    msg: /does not take PUT, only GET, POST/,
  },
  { name: 'a route outside the API', send: (http) => http.get('/'), status: 404 },
];

describe.each(cases)('$name', ({ send, status, msg }) => {
  test(`answers ${status} with an ErrorResponse`, async () => {
    const response = await send(api.http);
    expect({ status: response.status, body: response.body }).toEqual({
      status,
      body: { msg: expect.any(String), status_code: status },
    });
    expectSchema('ErrorResponse', response.body);
    if (msg) expect(response.body.msg).toMatch(msg);
  });
});

test('a run whose parameters hold a NUL is accepted, runs, and is seen (the read model shows U+FFFD)', async () => {
  const params = { duration_ms: 0, note: ['a\u0000b'], 'key\u0000': 'v' };
  const { run_id } = (await json(api.http, { workflow_params: params, tags: { 'k\u0000': 'x\u0000' } }).expect(200)).body;
  expect(await waitForState(api.http, run_id)).toBe('COMPLETE');
  const { body } = await api.http.get(`${API}/runs/${run_id}`).expect(200);
  expect(body.request.workflow_params).toEqual({ duration_ms: 0, note: ['a\ufffdb'], 'key\ufffd': 'v' });
  expect(body.request.tags).toEqual({ 'k\ufffd': 'x\ufffd' });
});

test('a method a known path does not have: 405 with the methods it has in Allow', async () => {
  const response = await api.http.patch(`${API}/runs/${completedRun}`).expect(405);
  expect(response.headers.allow).toBe('GET, DELETE');
  expect(response.body).toEqual({ msg: expect.stringContaining('PATCH'), status_code: 405 });
});

test("HEAD of an unknown run or output: the GET's 404, typed as an ErrorResponse, without its body", async () => {
  for (const url of [`${API}/runs/${unknownRun}`, `${API}/runs/${completedRun}/outputs/a/b.txt`]) {
    const response = await api.http.head(url).expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    // superagent leaves `text` unset for a HEAD, whatever its typings say.
    expect((response.text as string | undefined) ?? '').toBe('');
  }
});

test('a path parameter of many segments (an output path) is the same path: 405, not 404', async () => {
  for (const output of ['a', 'a/b/c.txt']) {
    const response = await api.http.post(`${API}/runs/${completedRun}/outputs/${output}`).expect(405);
    expect(response.headers.allow).toBe('GET');
    expect(response.body).toEqual({ msg: expect.stringContaining('POST'), status_code: 405 });
  }
  // A path no template spans is still no path at all.
  await api.http.post(`${API}/runs/${completedRun}/logs/stdout/more`).expect(404);
});

test('refused requests leave no files behind: nothing staged, no uploads kept', async () => {
  const runs = path.join(api.harness.dataDir, 'runs');
  const before = readdirSync(runs);
  for (const { send } of cases.filter((c) => c.status === 400 || c.status === 413)) await send(api.http);
  expect(readdirSync(runs).sort()).toEqual(before.sort());
  expect(readdirSync(path.join(api.harness.dataDir, 'uploads'))).toEqual([]);
});
