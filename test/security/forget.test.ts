/**
 * DELETE /runs/{id} forgets a run everywhere (docs/design.md, "Deleting a run"): its read-model row,
 * its work dir, its payload blobs (each kept while another run refers to it) and its executions in
 * Temporal; and payloads can be encrypted at rest, with the Web UI's codec endpoint for operators.
 */
import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runWorkDir } from '../../activities/work-dir';
import { ContentAddressedStore, sha256Hex } from '../../src/payloads/blob-store';
import { createPayloadCodecs, payloadBlobDir } from '../../src/payloads/data-converter';
import type { PayloadKey } from '../../src/payloads/payload-keys';
import { API, createApiHarness, waitForState, type ApiHarness, type Http } from '../support/api-harness';
import { keyAuth, testKey } from '../support/auth';
import { eventually } from '../support/eventually';
import { submitRun, type RunRequest } from '../support/submit-run';
import { taskDocument, simulatedStep } from '../support/task-documents';

const KB = 1000;
const HEX = /^[0-9a-f]{64}$/;

const simulated = (params: Record<string, unknown>) => ({
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_url: 'simulated:',
  workflow_params: params,
});
/** Params of about 400 KB: in the run's input and, as its outputs, in its results. */
const largeParams = () => ({ duration_ms: 0, outputs: { big: randomBytes(200 * KB).toString('hex') } });

const blobDirOf = (api: ApiHarness) => payloadBlobDir(api.harness.dataDir);
/** The blobs the workflow `runId` refers to, as the store records them. */
const blobsOf = (api: ApiHarness, runId: string): string[] => {
  const dir = path.join(blobDirOf(api), 'owners', sha256Hex(runId));
  return existsSync(dir) ? readdirSync(dir).filter((name) => HEX.test(name)) : [];
};
const blobExists = (api: ApiHarness, hash: string) => existsSync(path.join(blobDirOf(api), hash));

async function completedRun(http: Http, request: RunRequest): Promise<string> {
  const runId = await submitRun(http, request);
  expect(await waitForState(http, runId)).toBe('COMPLETE');
  // Deletable once cleaned up, which the run records right after it ends.
  await eventually(
    () => http.get(`${API}/runs/${runId}`),
    (response) => response.status === 200,
    { what: 'the run to be readable' },
  );
  return runId;
}

/** DELETE, asked again while the run is being cleaned up (409) for a few seconds. */
async function deleteRun(http: Http, runId: string): Promise<void> {
  const response = await eventually(
    () => http.delete(`${API}/runs/${runId}`),
    (answer) => answer.status !== 409,
    { timeoutMs: 15_000, intervalMs: 200, what: `DELETE of ${runId}` },
  );
  expect(response.status).toBe(200);
}

/** The gRPC code of DescribeWorkflowExecution: 5 (NotFound) once Temporal has deleted it. */
async function describeCode(client: Client, workflowId: string): Promise<number> {
  try {
    await client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

/** Temporal deletes asynchronously: within a bound, the execution is gone. */
// A parent of child workflows (a task) takes Temporal about 20 s on this machine when quiet, and
// over a minute with the cluster suites and a build beside the jest suites (npm test).
const expectDeletedInTemporal = async (api: ApiHarness, workflowId: string) =>
  expect(
    await eventually(
      () => describeCode(api.harness.client, workflowId),
      (code) => code === 5,
      { timeoutMs: 180_000, intervalMs: 250, what: `${workflowId} to be deleted in Temporal` },
    ),
  ).toBe(5);

describe('without encryption (the default)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness();
  });
  afterAll(async () => {
    await api.stop();
  });

  test('a run with 400 KB of params: its blobs (0600) go with it, a run with the same params keeps its own until it too is deleted', async () => {
    const params = largeParams();
    const first = await completedRun(api.http, simulated(params));
    const second = await completedRun(api.http, simulated(params));
    const [firstBlobs, secondBlobs] = [blobsOf(api, first), blobsOf(api, second)];
    expect(firstBlobs.length).toBeGreaterThan(0);
    expect(secondBlobs.length).toBeGreaterThan(0);
    // A blob's reference is written before the blob (blob-store.ts, put): the workflows' last
    // payloads may still be on their way when the runs show COMPLETE.
    await eventually(() => [...firstBlobs, ...secondBlobs].every((hash) => blobExists(api, hash)), Boolean, {
      what: "the runs' blobs to be written",
    });
    for (const hash of [...firstBlobs, ...secondBlobs]) expect(statSync(path.join(blobDirOf(api), hash)).mode & 0o777).toBe(0o600);
    for (const dir of ['', 'refs', 'owners', path.join('owners', sha256Hex(first))])
      expect(statSync(path.join(blobDirOf(api), dir)).mode & 0o777).toBe(0o700);
    expect(existsSync(runWorkDir(api.harness.dataDir, first))).toBe(true);

    await deleteRun(api.http, first);
    await api.http.get(`${API}/runs/${first}`).expect(404);
    expect(existsSync(runWorkDir(api.harness.dataDir, first))).toBe(false);
    for (const hash of firstBlobs) expect(blobExists(api, hash)).toBe(secondBlobs.includes(hash));
    for (const hash of secondBlobs) expect(blobExists(api, hash)).toBe(true);
    await expectDeletedInTemporal(api, first);
    // The other run still reads whole, its outputs coming from its blobs.
    expect((await api.http.get(`${API}/runs/${second}`).expect(200)).body.outputs.big === params.outputs.big).toBe(true);
    expect(await describeCode(api.harness.client, second)).toBe(0);

    await deleteRun(api.http, second);
    for (const hash of secondBlobs) expect(blobExists(api, hash)).toBe(false);
    await expectDeletedInTemporal(api, second);
  });

  test('a blob two runs refer to stays until the last of them is deleted', async () => {
    // The same value as a payload of two workflows, encoded as their workers and clients do.
    const [claimCheck] = createPayloadCodecs(blobDirOf(api));
    const value = defaultPayloadConverter.toPayload(randomBytes(200 * KB).toString('hex'));
    const [a] = await claimCheck.encode([value], { type: 'workflow', namespace: 'default', workflowId: 'shared-a' });
    const [b] = await claimCheck.encode([value], { type: 'activity', namespace: 'default', workflowId: 'shared-b', isLocal: false });
    const hash = JSON.parse(Buffer.from(a.data!).toString()).sha256 as string;
    expect(JSON.parse(Buffer.from(b.data!).toString()).sha256).toBe(hash);
    const store = new ContentAddressedStore(blobDirOf(api));
    expect((await store.references(hash)).sort()).toEqual([sha256Hex('shared-a'), sha256Hex('shared-b')].sort());

    expect(await store.release('shared-a')).toEqual([]);
    expect(Buffer.from((await claimCheck.decode([b]))[0].data!).equals(Buffer.from(value.data!))).toBe(true);
    expect(await store.release('shared-b')).toEqual([hash]);
    expect(blobExists(api, hash)).toBe(false);
  });

  test('deleting a task forgets its step runs too: rows, blobs and executions', async () => {
    // The 400 KB come as the task's parameter: a definition itself may be at most 64 KiB.
    const document = taskDocument({
      parameters: { payload: { type: 'string' } },
      steps: [simulatedStep('big', { duration_ms: 0, outputs: { big: '{% params.payload %}' } })],
    });
    const handle = await api.harness.startTask(document, { payload: largeParams().outputs.big });
    expect(await waitForState(api.http, handle.workflowId)).toBe('COMPLETE');
    const step = `${handle.workflowId}.big`;
    await api.http.get(`${API}/runs/${step}`).expect(200);
    const stepBlobs = blobsOf(api, step);
    expect(stepBlobs.length).toBeGreaterThan(0);

    await deleteRun(api.http, handle.workflowId);
    await api.http.get(`${API}/runs/${handle.workflowId}`).expect(404);
    await api.http.get(`${API}/runs/${step}`).expect(404);
    for (const hash of [...stepBlobs, ...blobsOf(api, handle.workflowId)]) expect(blobExists(api, hash)).toBe(false);
    await expectDeletedInTemporal(api, handle.workflowId);
    await expectDeletedInTemporal(api, step);
  }, 480_000);
});

describe('with payload encryption', () => {
  const keys: PayloadKey[] = [{ id: 'test-2', key: randomBytes(32) }];
  let api: ApiHarness;
  let secured: Http;
  beforeAll(async () => {
    api = await createApiHarness({ payloadKeys: keys });
    secured = (await api.createApp(keyAuth(['admin', 'ops', ['admin']], ['reader', 'alice', ['runs:read', 'runs:write']]))).http;
  });
  afterAll(async () => {
    await api.stop();
  });

  test('Temporal and the blob directory hold no plaintext of the params; the run completes; the codec decodes for admins only', async () => {
    const marker = `plaintext-marker-${randomBytes(8).toString('hex')}`;
    const runId = await completedRun(api.http, simulated({ duration_ms: 0, outputs: { marker, big: `${marker}${'y'.repeat(300 * KB)}` } }));
    expect((await api.http.get(`${API}/runs/${runId}`).expect(200)).body.outputs.marker).toBe(marker);

    // The history as Temporal stores it, read without any codec.
    const raw = new Client({ connection: api.harness.client.connection });
    const { history } = await raw.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: runId } });
    const stored = Buffer.from(temporal.api.history.v1.History.encode(history!).finish());
    expect(stored.includes(marker)).toBe(false);
    for (const name of readdirSync(blobDirOf(api)).filter((file) => HEX.test(file)))
      expect(readFileSync(path.join(blobDirOf(api), name)).includes(marker)).toBe(false);
    // Every payload of the history is ciphertext, or a claim check of a blob of ciphertext; search
    // attributes (for visibility to index) and the SDK's own marker details (patch ids, a local
    // activity's attempt) hold no params and go through no codec.
    const encodings = new Set([...payloadsIn(history!.events)].map((payload) => Buffer.from(payload.metadata!.encoding).toString()));
    // Which payloads are small enough to stay inline depends on the run's path (how often its
    // activities returned before it ended), so only their kinds are asserted.
    expect(['binary/encrypted', 'durable-wes/claim-check']).toEqual(expect.arrayContaining([...encodings]));
    const input: Payload = history!.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(Buffer.from(input.metadata!.encoding).toString()).toBe('durable-wes/claim-check');

    const body = { payloads: [asJson(input)] };
    const decoded = await secured
      .post(`${API}/codec/decode`)
      .set('Authorization', `Bearer ${testKey('admin')}`)
      .send(body)
      .expect(200);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString()).toContain(marker);
    expect(Buffer.from(decoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');

    const refused = await secured
      .post(`${API}/codec/decode`)
      .set('Authorization', `Bearer ${testKey('reader')}`)
      .send(body)
      .expect(403);
    expect(refused.body).toEqual({ msg: 'this needs the scope admin, which the token does not carry', status_code: 403 });
    await secured.post(`${API}/codec/decode`).send(body).expect(401);
    await secured
      .post(`${API}/codec/encode`)
      .set('Authorization', `Bearer ${testKey('reader')}`)
      .send(body)
      .expect(403);
  });

  test('the codec endpoint answers the Web UI’s preflight for its origin alone, and refuses a malformed body with a 400', async () => {
    const ui = new URL(api.config.temporalUiUrl).origin;
    const preflight = await secured
      .options(`${API}/codec/decode`)
      .set('Origin', ui)
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ui);
    expect(preflight.headers['access-control-allow-headers']).toContain('X-Namespace');
    const other = await secured
      .options(`${API}/codec/decode`)
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const bad = await secured
      .post(`${API}/codec/decode`)
      .set('Authorization', `Bearer ${testKey('admin')}`)
      .send({ payloads: [{ data: '%%%' }] })
      .expect(400);
    expect(bad.body.msg).toMatch(/base64/);
  });

  test('encode then decode through the endpoint is the identity, and encode encrypts', async () => {
    const plain = defaultPayloadConverter.toPayload({ hello: 'world' });
    const admin = (route: string, payloads: object[]) =>
      secured
        .post(`${API}/codec/${route}`)
        .set('Authorization', `Bearer ${testKey('admin')}`)
        .send({ payloads })
        .expect(200);
    const encoded = (await admin('encode', [asJson(plain)])).body.payloads;
    expect(Buffer.from(encoded[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded[0].data, 'base64').toString()).not.toContain('world');
    expect((await admin('decode', encoded)).body.payloads).toEqual([asJson(plain)]);
  });
});

/** A payload as the codec endpoint takes and gives it: base64 throughout. */
const asJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: Buffer.from(payload.data!).toString('base64'),
});

const UNENCODED = new Set(['searchAttributes', 'upsertWorkflowSearchAttributesEventAttributes', 'patch-data']);

/** Every payload of a history that goes through the codecs, found by shape so that no event type is missed. */
function* payloadsIn(value: unknown, key = ''): Generator<Payload> {
  if (value == null || typeof value !== 'object' || ArrayBuffer.isView(value) || UNENCODED.has(key)) return;
  if ('metadata' in value && 'data' in value && ArrayBuffer.isView(value.data)) {
    yield value as Payload;
    return;
  }
  // A local activity's marker: its result is encoded, its bookkeeping (`data`) is not.
  if (key === 'details' && 'result' in value) return yield* payloadsIn(value.result);
  for (const [name, child] of Object.entries(value)) yield* payloadsIn(child, name);
}
