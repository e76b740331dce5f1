/**
 * Inputs reach the engine as files the worker fetched (docs/design.md, "Inputs fetched by the
 * service"): an http(s) input on a loopback, private, link-local or metadata address is refused
 * and that address hears nothing; an allowed one is downloaded before the engine starts; loader
 * directives in workflow_params are refused. Against a real HTTP server the test starts on 127.0.0.1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AddressPolicy } from '../../activities/fetch/address-policy';
import { download } from '../../activities/fetch/download';
import { InvalidRunRequestError } from '../../activities/errors';
import { parseProvidersConfig } from '../../activities/providers/config';
import {
  API,
  createApiHarness,
  download as downloadOutput,
  fieldParts,
  postMultipart,
  waitForState,
  type ApiHarness,
} from '../support/api-harness';
import { EXAMPLES } from '../support/harness';
import { cwlRun, postRun, simulatedRun, submitRun } from '../support/submit-run';

const WC = readFileSync(path.join(EXAMPLES, 'word-count', 'wc.cwl'));
const WC_PATH = path.join(EXAMPLES, 'word-count', 'wc.cwl');
/** A workflow whose step runs a tool named relatively, on the same site. */
const COUNTING_WORKFLOW = `cwlVersion: v1.2
class: Workflow
inputs:
  text: File
outputs:
  count:
    type: File
    outputSource: count/count
steps:
  count:
    run: ../tools/wc.cwl
    in: { text: text }
    out: [count]
`;

/** What the server was asked, in order. */
const requests: Array<{ url: string; userAgent?: string }> = [];
let server: http.Server;
let port: number;
let api: ApiHarness;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests.push({ url: request.url!, userAgent: request.headers['user-agent'] });
    switch (request.url) {
      case '/data/words.txt':
        response.end('one two three\n');
        break;
      case '/wc.cwl':
      case '/site/tools/wc.cwl':
        response.end(WC);
        break;
      case '/site/workflows/count.cwl':
        response.end(COUNTING_WORKFLOW);
        break;
      case '/redirect':
        response.writeHead(302, { location: `http://127.0.0.1:${port}/data/words.txt` }).end();
        break;
      case '/big':
        response.end('x'.repeat(5000));
        break;
      case '/big-stream':
        // No Content-Length: only counting the bytes as they come can stop it.
        for (let i = 0; i < 50; i++) response.write('x'.repeat(100));
        response.end();
        break;
      case '/loop':
        response.writeHead(302, { location: '/loop' }).end();
        break;
      case '/slow':
        // Never ends: only the time limit stops it.
        response.write('x');
        break;
      default:
        response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const local = { kind: 'local', workflowRoots: [EXAMPLES] };
  const providers = parseProvidersConfig(
    {
      default: 'local',
      providers: {
        local,
        // The test's server is on loopback: allowed explicitly, by address or by name.
        allowing: { ...local, warmStart: false, fetch: { allow: ['127.0.0.1'], maxBytes: 1000 } },
        byname: { ...local, warmStart: false, fetch: { allow: ['localhost'] } },
        simulated: { kind: 'simulated', pollIntervalMs: 20 },
      },
    },
    'inputs.test',
  );
  api = await createApiHarness({ providers });
});
// The test's server listens before the harness exists: it is closed even when the harness never started.
afterAll(async () => {
  try {
    await api.stop();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
beforeEach(() => {
  requests.length = 0;
});

const wordCount = (location: string, provider = 'local', workflowUrl = WC_PATH) =>
  cwlRun(workflowUrl, { text: { class: 'File', location } }, { tags: { wes_provider: provider } });

/** The error of a failed run's last transition. */
async function runError(runId: string): Promise<string> {
  const { transitions } = (await api.http.get(`${API}/runs/${runId}/transitions`).expect(200)).body;
  return transitions.at(-1).payload.error;
}

test('a File input on a loopback, link-local or metadata address, however written, is refused at submission and the address hears nothing', async () => {
  const cases: Array<[string, string]> = [
    [`http://127.0.0.1:${port}/data/words.txt`, '127.0.0.1 is a loopback address'],
    [`http://2130706433:${port}/data/words.txt`, '127.0.0.1 is a loopback address'],
    [`http://0x7f.1:${port}/data/words.txt`, '127.0.0.1 is a loopback address'],
    [`http://0177.0.0.1:${port}/data/words.txt`, '127.0.0.1 is a loopback address'],
    [`http://[::ffff:127.0.0.1]:${port}/data/words.txt`, '::ffff:7f00:1 is a loopback address'],
    [`http://[::1]:${port}/data/words.txt`, '::1 is a loopback address'],
    [`http://localhost:${port}/data/words.txt`, '127.0.0.1 is a loopback address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://10.0.0.1/x', '10.0.0.1 is a private address'],
    ['https://[fd00::1]/x', 'fd00::1 is a private (unique local) address'],
  ];
  for (const [location, why] of cases) {
    const { body } = await postRun(api.http, wordCount(location)).expect(400);
    expect(body.status_code).toBe(400);
    expect(body.msg).toContain(`workflow_params.text.location ${new URL(location).href} is not fetched: ${why}`);
  }
  // A workflow_url too, and a multipart submission.
  const workflow = await postRun(api.http, wordCount('data/words.txt', 'local', `http://127.0.0.1:${port}/wc.cwl`)).expect(400);
  expect(workflow.body.msg).toContain(`workflow_url http://127.0.0.1:${port}/wc.cwl is not fetched: 127.0.0.1 is a loopback address`);
  const multipart = await postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'wc.cwl',
      workflow_params: JSON.stringify({ text: { class: 'File', location: `http://127.0.0.1:${port}/data/words.txt` } }),
      tags: JSON.stringify({ wes_provider: 'local' }),
    }),
    { name: 'workflow_attachment', filename: 'wc.cwl', value: WC },
  ]).expect(400);
  expect(multipart.body.msg).toContain('127.0.0.1 is a loopback address');
  expect(requests).toEqual([]);
});

test('an http(s) Directory is refused at submission: a URL has no listing to fetch', async () => {
  const request = { ...wordCount('x'), workflow_params: { dir: { class: 'Directory', location: 'https://example.org/data/' } } };
  const { body } = await postRun(api.http, request).expect(400);
  expect(body.msg).toContain('workflow_params.dir.location https://example.org/data/: an http(s) Directory cannot be fetched');
});

test('allowed by the provider, the workflow and its input are fetched by the worker and the engine is handed local files', async () => {
  const runId = await submitRun(
    api.http,
    wordCount(`http://127.0.0.1:${port}/data/words.txt`, 'allowing', `http://127.0.0.1:${port}/wc.cwl`),
  );
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  // Each asked once, by the worker: cwltool would have fetched them itself, as python-requests.
  expect(requests.map((r) => r.url).sort()).toEqual(['/data/words.txt', '/wc.cwl']);
  expect(requests.every((r) => r.userAgent === 'durable-wes')).toBe(true);
  const log = (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
  expect(JSON.stringify(log.run_log.cmd)).not.toContain('http');
  expect(log.run_log.cmd).toContainEqual(expect.stringMatching(/\/staging\/fetched\/site-[0-9a-f]{16}\/wc\.cwl$/));
  // wc names the file it counted: the engine's copy of the download, its name kept.
  const counted = await downloadOutput(api.http, log.outputs.count.location);
  expect(counted).toMatch(/^3 \/\S+\/words\.txt\n$/);
  expect(counted).not.toContain('http');
});

test('a workflow fetched by URL brings the files it names relatively, fetched beside it', async () => {
  const runId = await submitRun(
    api.http,
    wordCount(`http://127.0.0.1:${port}/data/words.txt`, 'allowing', `http://127.0.0.1:${port}/site/workflows/count.cwl`),
  );
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  expect(requests.map((r) => r.url).sort()).toEqual(['/data/words.txt', '/site/tools/wc.cwl', '/site/workflows/count.cwl']);
  expect(requests.every((r) => r.userAgent === 'durable-wes')).toBe(true);
  const log = (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
  expect(await downloadOutput(api.http, log.outputs.count.location)).toMatch(/^3 \/\S+\/words\.txt\n$/);
});

test('a redirect from an allowed host to a loopback address is refused: the run fails naming both URLs, and the target hears nothing', async () => {
  const runId = await submitRun(api.http, wordCount(`http://localhost:${port}/redirect`, 'byname'));
  expect(await waitForState(api.http, runId)).toBe('EXECUTOR_ERROR');
  const error = await runError(runId);
  expect(error).toContain(`could not fetch http://localhost:${port}/redirect`);
  expect(error).toContain(`http://127.0.0.1:${port}/data/words.txt: 127.0.0.1 is a loopback address`);
  expect(requests.map((r) => r.url)).toEqual(['/redirect']);
});

test('a download larger than the limit fails the run with a message naming the limit, with or without a Content-Length', async () => {
  for (const route of ['/big', '/big-stream']) {
    const url = `http://127.0.0.1:${port}${route}`;
    const runId = await submitRun(api.http, wordCount(url, 'allowing'));
    expect(await waitForState(api.http, runId)).toBe('EXECUTOR_ERROR');
    const error = await runError(runId);
    expect(error).toContain(`could not fetch ${url}`);
    expect(error).toContain('larger than the limit of 1000 bytes per input');
  }
});

test('a host name is judged by the address it resolves to, when the worker resolves it', async () => {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'fetch-')), 'words.txt');
  const limits = { maxBytes: 1000, describeLimit: '1000 bytes per input', timeoutMs: 5000, maxRedirects: 2 };
  const fetching = download(new URL(`http://localhost:${port}/data/words.txt`), file, new AddressPolicy(), limits);
  await expect(fetching).rejects.toThrow(InvalidRunRequestError);
  await expect(fetching).rejects.toThrow(
    /^localhost resolves to no address the worker may fetch from \(127\.0\.0\.1 is a loopback address/,
  );
  expect(requests).toEqual([]);
  // The same name allowed: fetched.
  expect(await download(new URL(`http://localhost:${port}/data/words.txt`), file, new AddressPolicy(['localhost']), limits)).toBe(14);
  expect(readFileSync(file, 'utf8')).toBe('one two three\n');
});

test('a download fails for good on an answer other than 200, past the redirects allowed, or past its time limit', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetch-'));
  const policy = new AddressPolicy(['127.0.0.1']);
  const limits = { maxBytes: 1000, describeLimit: '1000 bytes per input', timeoutMs: 5000, maxRedirects: 2 };
  const fetch = (route: string, overrides = {}) =>
    download(new URL(`http://127.0.0.1:${port}${route}`), path.join(dir, 'file'), policy, { ...limits, ...overrides });
  await expect(fetch('/missing')).rejects.toThrow(new InvalidRunRequestError(`http://127.0.0.1:${port}/missing answered 404 Not Found`));
  await expect(fetch('/loop')).rejects.toThrow(new InvalidRunRequestError('more than 2 redirects'));
  expect(requests.filter((r) => r.url === '/loop')).toHaveLength(3);
  await expect(fetch('/slow', { timeoutMs: 300 })).rejects.toThrow(
    new InvalidRunRequestError('not downloaded within the time limit of 300 ms'),
  );
  // Nothing partial is left.
  expect(readdirSync(dir)).toEqual([]);
});

test('an http input given by an approver at resume is refused before the engine starts, and its address hears nothing', async () => {
  const request = { ...wordCount('x'), workflow_params: {}, tags: { wes_provider: 'local', wes_require_approval: 'true' } };
  const runId = await submitRun(api.http, request);
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  await api.http
    .post(`${API}/runs/${runId}/resume`)
    .send({ text: { class: 'File', location: `http://127.0.0.1:${port}/data/words.txt` } })
    .expect(200);
  expect(await waitForState(api.http, runId)).toBe('EXECUTOR_ERROR');
  expect(await runError(runId)).toContain('127.0.0.1 is a loopback address');
  expect(requests).toEqual([]);
});

describe('loader directives in workflow_params', () => {
  const cases: Array<[string, unknown, string]> = [
    ['$include', { msg: { $include: '/etc/passwd' } }, 'workflow_params.msg.$include'],
    ['$import', { a: [{ b: { c: [1, { $import: '/etc/passwd' }] } }] }, 'workflow_params.a[0].b.c[1].$import'],
    ['$mixin', { text: { class: 'File', $mixin: '/etc/passwd' } }, 'workflow_params.text.$mixin'],
  ];

  test.each(cases)('%s is refused with a 400 naming its path, in JSON and multipart, on any provider', async (directive, params, at) => {
    const expected = {
      msg: expect.stringMatching(new RegExp(`^${at.replace(/[$.[\]]/g, '\\$&')}: \\${directive} is not accepted in workflow_params`)),
      status_code: 400,
    };
    for (const provider of ['local', 'simulated']) {
      const json = await postRun(api.http, { ...wordCount('x', provider), workflow_params: params }).expect(400);
      expect(json.body).toEqual(expected);
    }
    const multipart = await postMultipart(api.http, [
      ...fieldParts({
        workflow_type: 'CWL',
        workflow_type_version: 'v1.2',
        workflow_url: 'wc.cwl',
        workflow_params: JSON.stringify(params),
        tags: '{"wes_provider":"local"}',
      }),
      { name: 'workflow_attachment', filename: 'wc.cwl', value: WC },
    ]).expect(400);
    expect(multipart.body).toEqual(expected);
  });

  test('in a resume input too', async () => {
    const held = await submitRun(
      api.http,
      simulatedRun({ duration_ms: 0 }, { tags: { wes_provider: 'simulated' }, require_approval: true }),
    );
    await waitForState(api.http, held, (state) => state === 'PAUSED');
    const { body } = await api.http
      .post(`${API}/runs/${held}/resume`)
      .send({ msg: { $include: '/etc/passwd' } })
      .expect(400);
    expect(body.msg).toMatch(/^workflow_params\.msg\.\$include: \$include is not accepted/);
    expect((await api.http.get(`${API}/runs/${held}/status`).expect(200)).body.state).toBe('PAUSED');
    await api.http.post(`${API}/runs/${held}/cancel`).expect(200);
  });
});
