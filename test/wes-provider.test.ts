/**
 * WesProvider against a real third-party WES server (wes-service 5.0 with its cwltool backend, on
 * loopback), without Temporal; and, for what wes-service never does (reject a request, ask for
 * auth, lose a run, filter by tag, answer garbage), against a scripted server on loopback.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidRunRequestError, ProviderRejectedError } from '../activities/errors';
import { SUBMISSION_RECORD_FILE, type WesProvider } from '../activities/providers/wes';
import { RUN_ID_TAG } from '../activities/run-tags';
import type { ProviderRun, WesRunRequest } from '../domain/run-types';
import { freePort } from './support/free-port';
import { startWesService, type WesService } from './support/wes-service';
import {
  EXAMPLES,
  FAIL_CWL,
  forgetRemoteRunId,
  HELLO_CWL,
  makeProviderRun,
  pollStatus,
  wesProvider,
} from './support/wes-provider-fixtures';

jest.setTimeout(120_000);

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wes-provider-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** A run for the provider `remote` whose work dir holds the given example files as its staged attachments. */
function makeRun(request: Partial<WesRunRequest>, attachments: Record<string, string> = {}): Promise<ProviderRun> {
  return makeProviderRun({ dataDir, provider: 'remote', request }, attachments);
}

describe('against wes-service', () => {
  let wes: WesService;
  let provider: WesProvider;

  beforeAll(async () => {
    wes = await startWesService();
    provider = wesProvider({ baseUrl: wes.baseUrl, pollIntervalMs: 250, requestTimeoutMs: 10_000 });
  }, 300_000);

  afterAll(async () => {
    await wes.stop();
  });

  async function remoteRunIds(): Promise<string[]> {
    const response = await fetch(`${wes.baseUrl}/runs`);
    const body = (await response.json()) as { runs?: Array<{ run_id: string }>; workflows?: Array<{ run_id: string }> };
    return (body.runs ?? body.workflows ?? []).map((entry) => entry.run_id).sort();
  }

  test('capabilities come from the remote service-info', async () => {
    const capabilities = await provider.capabilities();
    expect(capabilities.workflowTypeVersions.CWL).toEqual(expect.arrayContaining(['v1.0', 'v1.2']));
    expect(capabilities.filesystemProtocols).toContain('file');
  });

  test('runs hello-world to COMPLETE and returns its outputs and log; a second submit posts nothing', async () => {
    const run = await makeRun(
      { workflow_params: { message: 'Hello from afar' }, tags: { project: 'federation', wes_provider: 'remote' } },
      { 'hello.cwl': HELLO_CWL },
    );
    const before = await remoteRunIds();
    const remoteId = await provider.submit(run);
    expect(remoteId).toMatch(/^[0-9a-f]{32}$/);
    const after = await remoteRunIds();
    expect(after).toEqual([...before, remoteId].sort());

    const record = JSON.parse(await readFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), 'utf8'));
    expect(record).toMatchObject({ remoteRunId: remoteId, baseUrl: wes.baseUrl, postAttempts: 1, foundBy: 'post' });

    // Retried (the activity's answer was lost): the record answers, nothing is posted.
    expect(await provider.submit(run)).toBe(remoteId);
    expect(await remoteRunIds()).toEqual(after);

    const status = await pollStatus(provider, { ...run, externalId: remoteId });
    expect(status).toEqual({ state: 'COMPLETE' });

    const results = await provider.results(run);
    const greeting = results.outputs.greeting as { class: string; basename: string; location: string };
    expect(greeting).toMatchObject({ class: 'File', basename: 'hello.txt' });
    // Same host: the remote's output file can be read back.
    expect(await readFile(fileURLToPath(greeting.location), 'utf8')).toBe('Hello from afar\n');
    expect(results.log).toMatchObject({ name: `wes:${remoteId}`, exit_code: 0 });
    expect(results.log.system_logs?.[0]).toBe(`remote run: ${wes.baseUrl}/runs/${remoteId}`);
    expect(results.log.stderr).toContain('Final process status is success');

    // Tags went along, the run id added, ours only left out; the request as we gave it.
    const remote = (await (await fetch(`${wes.baseUrl}/runs/${remoteId}`)).json()) as { request: Record<string, unknown> };
    expect(remote.request.tags).toEqual({ project: 'federation', [RUN_ID_TAG]: run.runId });
    expect(remote.request.workflow_params).toEqual({ message: 'Hello from afar' });

    await provider.cleanup(run);
    expect(await readFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), 'utf8')).toContain(remoteId);
  });

  test('a submission posted but never recorded (a crash) is found by its tag, not posted again', async () => {
    const run = await makeRun({ workflow_params: { message: 'once' } }, { 'hello.cwl': HELLO_CWL });
    const remoteId = await provider.submit(run);
    const file = await forgetRemoteRunId(run);
    // wes-service lists runs it was only asked about (and cannot read): the search passes them over.
    await fetch(`${wes.baseUrl}/runs/no-such-run/status`);
    const before = await remoteRunIds();

    expect(await provider.submit(run)).toBe(remoteId);
    expect(await remoteRunIds()).toEqual(before);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ remoteRunId: remoteId, foundBy: 'tag-search' });
    await pollStatus(provider, run);
  });

  test('a failing workflow ends EXECUTOR_ERROR, with the exit code and stderr tail in the detail', async () => {
    const run = await makeRun({ workflow_url: 'fail.cwl' }, { 'fail.cwl': FAIL_CWL });
    const remoteId = await provider.submit(run);
    const status = await pollStatus(provider, run);
    expect(status.state).toBe('EXECUTOR_ERROR');
    expect(status.detail).toContain(`remote run ${remoteId}`);
    expect(status.detail).toMatch(/exit code [1-9]/);
    expect(status.detail).toContain('permanentFail');
    const results = await provider.results(run);
    expect(results.outputs).toEqual({});
    expect(results.log.exit_code).not.toBe(0);
  });

  test('resume is rejected: wes-service has no resume endpoint', async () => {
    const run = await makeRun({}, { 'hello.cwl': HELLO_CWL });
    await provider.submit(run);
    const failing = provider.resume(run, { go: true });
    await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toThrow('remote does not support resume');
    await pollStatus(provider, run);
  });

  test('a 4xx from the real server (a wrong base path) is a rejection', async () => {
    const wrong = wesProvider({ baseUrl: `http://127.0.0.1:${wes.port}/ga4gh/wes/v9` });
    const run = await makeRun({}, { 'hello.cwl': HELLO_CWL });
    const failing = wrong.submit(run);
    await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toThrow('404');
    await expect(failing).rejects.toThrow(`http://127.0.0.1:${wes.port}/ga4gh/wes/v9/runs`);
  });
});

test('an unreachable server: submit throws a plain, retryable error naming the URL', async () => {
  const port = await freePort();
  const provider = wesProvider({ baseUrl: `http://127.0.0.1:${port}/ga4gh/wes/v1`, requestTimeoutMs: 5000 });
  const run = await makeRun({}, { 'hello.cwl': HELLO_CWL });
  const failing = provider.submit(run);
  await expect(failing).rejects.not.toBeInstanceOf(ProviderRejectedError);
  await expect(failing).rejects.toThrow(`http://127.0.0.1:${port}/ga4gh/wes/v1/runs`);
  await expect(failing).rejects.toThrow('ECONNREFUSED');
  // It said nothing, so it may have received nothing: once it answers, it is searched first.
  const record = JSON.parse(await readFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), 'utf8'));
  expect(record).toMatchObject({ postAttempts: 1 });
  expect(record.remoteRunId).toBeUndefined();
  // Capabilities never fail service-info: an unreachable remote advertises nothing.
  expect(await provider.capabilities()).toEqual({ workflowTypeVersions: {}, engineVersions: {}, filesystemProtocols: [] });
});

test('validate wants workflow_type, its version and workflow_url', () => {
  const provider = wesProvider({ baseUrl: 'http://127.0.0.1:1/ga4gh/wes/v1' });
  expect(() => provider.validate({ workflow_type: 'CWL', workflow_type_version: '', workflow_url: 'x.cwl' })).toThrow(
    InvalidRunRequestError,
  );
  expect(() => provider.validate({ workflow_type: 'NOPE', workflow_type_version: '1', workflow_url: 'x' })).not.toThrow();
  expect(() => wesProvider({ baseUrl: 'ftp://example.org/' })).toThrow(/http/);
});

/** A scripted WES server: each test sets how it answers; every request is kept. */
describe('against a scripted server', () => {
  interface Seen {
    method: string;
    url: string;
    headers: http.IncomingHttpHeaders;
    form?: FormData;
    body?: string;
  }
  type Handler = (seen: Seen) => { status: number; body: unknown; raw?: boolean; delayMs?: number } | undefined;

  let server: http.Server;
  let baseUrl: string;
  let seen: Seen[];
  let handler: Handler;

  beforeAll(async () => {
    const respond = async (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) => {
      const entry: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      const type = req.headers['content-type'] ?? '';
      // A stub reading the provider's own small requests, which the tests inspect as FormData.
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the deprecation warns of untrusted uploads to real servers
      if (type.startsWith('multipart/form-data')) entry.form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      else if (raw.length > 0) entry.body = raw.toString();
      seen.push(entry);
      const answer = handler(entry) ?? { status: 500, body: { msg: 'unscripted', status_code: 500 } };
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': answer.raw ? 'text/html' : 'application/json' });
      res.end(answer.raw ? String(answer.body) : JSON.stringify(answer.body));
    };
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void respond(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ga4gh/wes/v1/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen = [];
    handler = () => undefined;
  });

  const provider = (token?: string) => wesProvider({ baseUrl, token, requestTimeoutMs: 5000 });
  const base = () => baseUrl.replace(/\/$/, '');

  test('the POST: fields as JSON strings, attachments by relative path (no symlinks), token, Idempotency-Key', async () => {
    const run = await makeRun(
      {
        workflow_url: 'main.cwl',
        workflow_params: { n: 1 },
        workflow_engine_parameters: { '--debug': 'true' },
        tags: { a: 'b', wes_require_approval: 'true' },
      },
      { 'main.cwl': HELLO_CWL, 'tools/fail.cwl': FAIL_CWL },
    );
    await symlink('/etc/hostname', path.join(run.workDir, 'staging', 'attachments', 'leak'));
    handler = ({ method }) => (method === 'POST' ? { status: 200, body: { run_id: 'r-1' } } : undefined);
    expect(await provider('s3cret').submit(run)).toBe('r-1');

    expect(seen).toHaveLength(1);
    const [post] = seen;
    expect(post.url).toBe('/ga4gh/wes/v1/runs');
    expect(post.headers.authorization).toBe('Bearer s3cret');
    expect(post.headers['idempotency-key']).toBe(run.runId);
    const form = post.form!;
    expect(JSON.parse(form.get('workflow_params') as string)).toEqual({ n: 1 });
    expect(JSON.parse(form.get('tags') as string)).toEqual({ a: 'b', [RUN_ID_TAG]: run.runId });
    expect(JSON.parse(form.get('workflow_engine_parameters') as string)).toEqual({ '--debug': 'true' });
    expect(form.get('workflow_url')).toBe('main.cwl');
    const files = form.getAll('workflow_attachment') as File[];
    expect(files.map((file) => file.name)).toEqual(['main.cwl', 'tools/fail.cwl']);
    expect(await files[1].text()).toBe(await readFile(path.join(EXAMPLES, 'fail', 'fail.cwl'), 'utf8'));
  });

  test('a 4xx on POST is a rejection carrying the ErrorResponse msg; 401 names auth; 5xx is retryable', async () => {
    const run = await makeRun({ workflow_type: 'NOPE' });
    handler = () => ({ status: 400, body: { msg: 'workflow_type NOPE is not supported', status_code: 400 } });
    let failing = provider().submit(run);
    await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toThrow('workflow_type NOPE is not supported');

    handler = () => ({ status: 401, body: { msg: 'no token', status_code: 401 } });
    failing = provider().submit(await makeRun({}));
    await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toThrow(/authentication/);

    handler = () => ({ status: 503, body: 'Service Unavailable', raw: true });
    failing = provider().submit(await makeRun({}));
    await expect(failing).rejects.not.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toThrow('503');
  });

  test('a 200 that is not JSON is a retryable error naming the URL', async () => {
    handler = () => ({ status: 200, body: '<html>proxy login</html>', raw: true });
    const failing = provider().status({ ...(await makeRun({})), externalId: 'r-2' });
    await expect(failing).rejects.not.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toThrow(`${base()}/runs/r-2/status`);
    await expect(failing).rejects.toThrow(/not JSON/);
  });

  test('a request that takes too long times out as a retryable error', async () => {
    handler = () => ({ status: 200, body: { run_id: 'late', state: 'RUNNING' }, delayMs: 1500 });
    const slow = wesProvider({ baseUrl, requestTimeoutMs: 200 });
    const failing = slow.status({ ...(await makeRun({})), externalId: 'late' });
    await expect(failing).rejects.not.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toHaveProperty('message', `wes: GET ${base()}/runs/late/status failed: timed out after 200 ms`);
  });

  test('after an interrupted POST, the tag filter finds the run (durable-wes) and nothing is posted', async () => {
    const run = await makeRun({});
    await mkdir(run.workDir, { recursive: true });
    await writeFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), JSON.stringify({ baseUrl: base(), postAttempts: 1 }));
    handler = ({ method, url }) => {
      const query = new URL(url, 'http://x').searchParams;
      if (method === 'GET' && query.get('tag') === `${RUN_ID_TAG}:${run.runId}`) {
        return {
          status: 200,
          body: { runs: [{ run_id: 'found-1', state: 'RUNNING', tags: { [RUN_ID_TAG]: run.runId } }], next_page_token: '' },
        };
      }
      return undefined;
    };
    expect(await provider().submit(run)).toBe('found-1');
    expect(seen.map((s) => s.method)).toEqual(['GET']);
  });

  test('a server that ignores the filter is paged through, bounded, reading run logs where summaries lack tags', async () => {
    const run = await makeRun({});
    await mkdir(run.workDir, { recursive: true });
    await writeFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), JSON.stringify({ baseUrl: base(), postAttempts: 2 }));
    handler = ({ method, url }) => {
      const u = new URL(url, 'http://x');
      if (method === 'GET' && u.pathname.endsWith('/runs')) {
        const page = Number(u.searchParams.get('page_token') ?? '0');
        return { status: 200, body: { runs: [{ run_id: `p${page}` }], next_page_token: String(page + 1) } };
      }
      if (method === 'GET') return { status: 200, body: { request: { tags: { [RUN_ID_TAG]: 'someone-else' } } } };
      if (method === 'POST') return { status: 200, body: { run_id: 'new-1' } };
      return undefined;
    };
    const bounded = wesProvider({ baseUrl, recoveryMaxPages: 3 });
    expect(await bounded.submit(run)).toBe('new-1');
    const lists = seen.filter((s) => s.method === 'GET' && new URL(s.url, 'http://x').pathname.endsWith('/runs'));
    expect(lists).toHaveLength(3);
    expect(seen.filter((s) => s.method === 'GET')).toHaveLength(6);
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(1);
    expect(JSON.parse(await readFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), 'utf8'))).toMatchObject({
      postAttempts: 3,
      remoteRunId: 'new-1',
    });
  });

  test('a server refusing the tag filter is listed unfiltered; one without a run list gets the POST', async () => {
    const run = await makeRun({});
    await mkdir(run.workDir, { recursive: true });
    await writeFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), JSON.stringify({ baseUrl: base(), postAttempts: 1 }));
    handler = ({ method, url }) => {
      const u = new URL(url, 'http://x');
      if (method !== 'GET') return undefined;
      if (u.searchParams.has('tag')) return { status: 400, body: { msg: 'unknown parameter tag', status_code: 400 } };
      return { status: 200, body: { runs: [{ run_id: 'mine', state: 'COMPLETE', tags: { [RUN_ID_TAG]: run.runId } }] } };
    };
    expect(await provider().submit(run)).toBe('mine');
    expect(seen.map((s) => new URL(s.url, 'http://x').searchParams.has('tag'))).toEqual([true, false]);

    const other = await makeRun({});
    await mkdir(other.workDir, { recursive: true });
    await writeFile(path.join(other.workDir, SUBMISSION_RECORD_FILE), JSON.stringify({ baseUrl: base(), postAttempts: 1 }));
    seen = [];
    handler = ({ method }) =>
      method === 'GET' ? { status: 405, body: { msg: 'no listing', status_code: 405 } } : { status: 200, body: { run_id: 'posted' } };
    expect(await provider().submit(other)).toBe('posted');
    expect(seen.map((s) => s.method)).toEqual(['GET', 'POST']);
  });

  test('status: states map 1:1, CANCELING is RUNNING, a lost run is SYSTEM_ERROR, a failure carries system_logs', async () => {
    const run = { ...(await makeRun({})), externalId: 'r-3' };
    let state = 'INITIALIZING';
    handler = ({ url }) => {
      if (url.endsWith('/status'))
        return state === 'GONE'
          ? { status: 404, body: { msg: 'no such run', status_code: 404 } }
          : { status: 200, body: { run_id: 'r-3', state } };
      return {
        status: 200,
        body: {
          run_id: 'r-3',
          state,
          run_log: { exit_code: 1, system_logs: ['node lost', 'disk full'], stderr: 'https://logs.example/r-3/stderr' },
        },
      };
    };
    expect(await provider().status(run)).toEqual({ state: 'INITIALIZING' });
    state = 'CANCELING';
    expect((await provider().status(run)).state).toBe('RUNNING');
    state = 'PREEMPTED';
    expect((await provider().status(run)).state).toBe('PREEMPTED');
    state = 'WEIRD';
    expect((await provider().status(run)).state).toBe('UNKNOWN');
    state = 'SYSTEM_ERROR';
    const failed = await provider().status(run);
    expect(failed.state).toBe('SYSTEM_ERROR');
    expect(failed.detail).toContain('exit code 1');
    expect(failed.detail).toContain('disk full');
    expect(failed.detail).toContain('stderr: https://logs.example/r-3/stderr');
    state = 'GONE';
    const gone = await provider().status(run);
    expect(gone.state).toBe('SYSTEM_ERROR');
    expect(gone.detail).toContain('no such run');
  });

  test('cancel: 404 and 409 are left alone, another 4xx is a rejection, a 5xx retryable', async () => {
    const run = { ...(await makeRun({})), externalId: 'r-4' };
    for (const status of [200, 404, 409]) {
      handler = () => ({ status, body: status === 200 ? { run_id: 'r-4' } : { msg: 'ended', status_code: status } });
      await expect(provider().cancel(run)).resolves.toBeUndefined();
    }
    handler = () => ({ status: 400, body: { msg: 'bad', status_code: 400 } });
    await expect(provider().cancel(run)).rejects.toBeInstanceOf(ProviderRejectedError);
    handler = () => ({ status: 502, body: 'Bad Gateway', raw: true });
    const failing = provider().cancel(run);
    await expect(failing).rejects.not.toBeInstanceOf(ProviderRejectedError);
    expect(seen.every((s) => s.method === 'POST' && s.url === '/ga4gh/wes/v1/runs/r-4/cancel')).toBe(true);
  });

  test('resume posts the input as JSON; 501 means unsupported', async () => {
    const run = { ...(await makeRun({})), externalId: 'r-5' };
    handler = () => ({ status: 200, body: { run_id: 'r-5', state: 'RUNNING' } });
    await provider().resume(run, { approved: true });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/ga4gh/wes/v1/runs/r-5/resume', body: '{"approved":true}' });
    expect(seen[0].headers['content-type']).toBe('application/json');
    handler = () => ({ status: 501, body: { msg: 'not implemented', status_code: 501 } });
    const failing = provider().resume(run, {});
    await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
    await expect(failing).rejects.toThrow('remote does not support resume');
  });

  test('results: outputs and run_log, named wes:, logs as given', async () => {
    const run = { ...(await makeRun({})), externalId: 'r-6' };
    handler = () => ({
      status: 200,
      body: {
        run_id: 'r-6',
        state: 'COMPLETE',
        outputs: { out: { class: 'File', location: 'https://remote/out.txt' } },
        run_log: {
          name: 'nextflow',
          cmd: ['nextflow', 'run'],
          start_time: '2026-01-01T00:00:00Z',
          end_time: '2026-01-01T00:01:00Z',
          stdout: 'https://remote/stdout',
          stderr: 'https://remote/stderr',
          exit_code: 0,
        },
      },
    });
    const results = await provider().results(run);
    expect(results.outputs).toEqual({ out: { class: 'File', location: 'https://remote/out.txt' } });
    expect(results.log).toEqual({
      name: 'wes:nextflow',
      cmd: ['nextflow', 'run'],
      start_time: '2026-01-01T00:00:00Z',
      end_time: '2026-01-01T00:01:00Z',
      stdout: 'https://remote/stdout',
      stderr: 'https://remote/stderr',
      exit_code: 0,
      system_logs: [`remote run: ${base()}/runs/r-6`],
    });
  });
});
