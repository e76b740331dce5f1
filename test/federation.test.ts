/**
 * Federation: one durable-wes ("front") runs its workflows through another ("back") with the
 * `wes` provider, over the standard WES API on loopback. Also: a worker restart in the middle of a
 * federated run, and a provider that cannot be reached.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { parseProvidersConfig } from '../activities/providers/config';
import { RUN_ID_TAG } from '../activities/run-tags';
import { API, createApiHarness, download, fieldParts, postMultipart, waitForState, type ApiHarness } from './support/api-harness';
import { freePort } from './support/free-port';
import { keyAuth, READ_WRITE, testKey } from './support/auth';
import { EXAMPLES, FAST_RETRY, finalSnapshot, TEST_PROVIDERS, waitForSnapshot } from './support/harness';
import { cwlRun, submitRun } from './support/submit-run';

const HELLO = path.join(EXAMPLES, 'hello-world', 'hello.cwl');

let back: ApiHarness;
let front: ApiHarness;
let backUrl: string;
/** The back again, with auth on: the front's provider `guarded` reaches it with a token. */
let guardedUrl: string;

beforeAll(async () => {
  // The back runs CWL for real, on its local provider.
  back = await createApiHarness({ providers: { ...TEST_PROVIDERS, default: 'local' } });
  await back.app.listen(0, '127.0.0.1');
  backUrl = `http://127.0.0.1:${(back.app.getHttpServer().address() as AddressInfo).port}${API}`;
  const guarded = await back.createApp(keyAuth(['front', 'front', READ_WRITE]));
  await guarded.app.listen(0, '127.0.0.1');
  guardedUrl = `http://127.0.0.1:${(guarded.app.getHttpServer().address() as AddressInfo).port}${API}`;
  front = await createApiHarness({
    providers: parseProvidersConfig(
      {
        default: 'back',
        providers: {
          back: { kind: 'wes', baseUrl: backUrl, pollIntervalMs: 200 },
          guarded: { kind: 'wes', baseUrl: guardedUrl, token: testKey('front'), pollIntervalMs: 200 },
          nowhere: { kind: 'wes', baseUrl: `http://127.0.0.1:${await freePort()}${API}`, requestTimeoutMs: 2000 },
        },
      },
      'the front',
    ),
  });
});
// The back starts before the front: it is stopped even when the front never started.
afterAll(async () => {
  try {
    await front.stop();
  } finally {
    await back.stop();
  }
});

/** The back's run that carries out the front's run, found by the tag the wes provider sets. */
async function backRunOf(frontRunId: string): Promise<{ run_id: string; state: string }> {
  const { body } = await request(backUrl.replace(API, '')).get(`${API}/runs?tag=${RUN_ID_TAG}:${frontRunId}`).expect(200);
  expect(body.runs).toHaveLength(1);
  return body.runs[0];
}

test('a CWL run uploaded to the front completes on the back, with its outputs', async () => {
  const { body } = await postMultipart(front.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: 'hello.cwl',
      workflow_params: JSON.stringify({ message: 'federated hello' }),
    }),
    { name: 'workflow_attachment', filename: 'hello.cwl', value: readFileSync(HELLO) },
  ]).expect(200);
  expect(await waitForState(front.http, body.run_id)).toBe('COMPLETE');

  const log = (await front.http.get(`${API}/runs/${body.run_id}`).expect(200)).body;
  const greeting = log.outputs.greeting as { location: string };
  // The front's own URL, proxied from the back's.
  expect(new URL(greeting.location).pathname).toBe(`${API}/runs/${body.run_id}/outputs/hello.txt`);
  expect(await download(front.http, greeting.location)).toBe('federated hello\n');
  const backRun = await backRunOf(body.run_id);
  expect(backRun.state).toBe('COMPLETE');
  expect(log.run_log.system_logs).toContain(`remote run: ${backUrl}/runs/${backRun.run_id}`);
});

test("the outputs of a run on the back are the front's, proxied: listed, whole, by range, 416, 404", async () => {
  const runId = await submitRun(front.http, cwlRun(HELLO, { message: 'proxied bytes' }));
  expect(await waitForState(front.http, runId)).toBe('COMPLETE');
  const outputs = `${API}/runs/${runId}/outputs`;
  const list = (await front.http.get(outputs).expect(200)).body;
  expect(list.files).toEqual([
    { path: 'hello.txt', size: 'proxied bytes\n'.length, url: expect.stringMatching(new RegExp(`${outputs}/hello\\.txt$`)) },
  ]);
  const whole = await front.http.get(`${outputs}/hello.txt`).expect(200);
  expect(whole.text).toBe('proxied bytes\n');
  expect(whole.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'accept-ranges': 'bytes', etag: expect.any(String) });
  const part = await front.http.get(`${outputs}/hello.txt`).set('Range', 'bytes=8-12').expect(206);
  expect(part.text).toBe('bytes');
  expect(part.headers['content-range']).toBe(`bytes 8-12/${'proxied bytes\n'.length}`);
  const beyond = await front.http.get(`${outputs}/hello.txt`).set('Range', 'bytes=1000-').expect(416);
  expect(beyond.body.status_code).toBe(416);
  expect(beyond.headers['content-range']).toBe(`bytes */${'proxied bytes\n'.length}`);
  await front.http.get(`${outputs}/other.txt`).expect(404);
});

test("the provider's token goes with the proxied download to a remote that asks for one", async () => {
  const runId = await submitRun(front.http, cwlRun(HELLO, { message: 'behind a token' }, { tags: { wes_provider: 'guarded' } }));
  expect(await waitForState(front.http, runId)).toBe('COMPLETE');
  const { greeting } = (await front.http.get(`${API}/runs/${runId}`).expect(200)).body.outputs;
  expect(await download(front.http, greeting.location)).toBe('behind a token\n');
  // The read model keeps the back's URL, which answers nobody without the token.
  const atTheBack = new URL(((await front.harness.runStore.get(runId))!.outputs.greeting as { location: string }).location);
  expect(atTheBack.origin).toBe(new URL(guardedUrl).origin);
  await request(atTheBack.origin).get(atTheBack.pathname).expect(401);
});

test('cancel on the front cancels the run on the back', async () => {
  const runId = await submitRun(front.http, cwlRun(path.join(EXAMPLES, 'sleep', 'sleep.cwl'), { seconds: 120 }));
  await waitForState(front.http, runId, (state) => state === 'RUNNING');
  const backRun = await backRunOf(runId);
  await waitForState(back.http, backRun.run_id, (state) => state === 'RUNNING');
  await front.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(front.http, runId)).toBe('CANCELED');
  expect(await waitForState(back.http, backRun.run_id)).toBe('CANCELED');
});

test('a federated run survives a restart of the front worker, submitted once', async () => {
  const handle = await front.harness.start({
    workflow_type: 'CWL',
    workflow_type_version: 'v1.2',
    workflow_url: path.join(EXAMPLES, 'sleep', 'sleep.cwl'),
    workflow_params: { seconds: 3 },
  });
  await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  await front.harness.restartWorker();
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('succeeded');
  expect((await backRunOf(handle.workflowId)).run_id).toBe(result.externalId);
});

test('an unreachable provider: retried, then SYSTEM_ERROR saying which provider and why', async () => {
  const handle = await front.harness.start(
    { workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: 'https://example.org/x.cwl' },
    { provider: 'nowhere', providerRetry: FAST_RETRY },
  );
  const result = await finalSnapshot(handle);
  expect(result).toMatchObject({ state: 'failed', failureReason: 'system_error', wesState: 'SYSTEM_ERROR' });
  expect(result.error).toContain("provider 'nowhere' submit");
  expect(result.error).toContain('ECONNREFUSED');
  const events = (await handle.fetchHistory()).events ?? [];
  const attempts = events.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
  expect(Math.max(...attempts)).toBe(FAST_RETRY.maximumAttempts);
});
