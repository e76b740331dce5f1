/**
 * The limits of a request, each answered with an ErrorResponse that names its variable: sizes of
 * bodies, fields and attachments (413), and the rate limit per caller (429 with Retry-After).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Test } from 'supertest';
import { API, createApiHarness, expectSchema, fieldParts, postMultipart, type ApiHarness, type Part } from '../support/api-harness';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { postRun, simulatedRun } from '../support/submit-run';

const LIMITS = { maxBodyBytes: 1024, maxAttachmentBytes: 4096, maxAttachments: 3, maxUploadBytes: 10_000 };

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness(LIMITS);
});
afterAll(() => api.stop());

const FIELDS = fieldParts({
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_url: 'simulated:',
  workflow_params: '{"duration_ms":0}',
});
const file = (name: string, bytes: number): Part => ({ name: 'workflow_attachment', value: Buffer.alloc(bytes, 'x'), filename: name });

async function expectTooLarge(test: Test, variable: string): Promise<void> {
  const response = await test.expect(413);
  expectSchema('ErrorResponse', response.body);
  expect(response.body).toEqual({ msg: expect.stringContaining(`(${variable})`), status_code: 413 });
}

describe('sizes: 413', () => {
  test('a JSON body larger than WES_MAX_BODY_BYTES', async () => {
    await expectTooLarge(postRun(api.http, simulatedRun({ note: 'x'.repeat(LIMITS.maxBodyBytes) })), 'WES_MAX_BODY_BYTES');
  });

  test('a form field larger than WES_MAX_BODY_BYTES', async () => {
    const params = JSON.stringify({ note: 'x'.repeat(LIMITS.maxBodyBytes) });
    await expectTooLarge(
      postMultipart(
        api.http,
        fieldParts({ workflow_type: 'SIMULATED', workflow_type_version: '1', workflow_url: 'simulated:', workflow_params: params }),
      ),
      'WES_MAX_BODY_BYTES',
    );
  });

  test('an attachment larger than WES_MAX_ATTACHMENT_BYTES', async () => {
    await expectTooLarge(postMultipart(api.http, [...FIELDS, file('big.bin', LIMITS.maxAttachmentBytes + 1)]), 'WES_MAX_ATTACHMENT_BYTES');
  });

  test('more attachments than WES_MAX_ATTACHMENTS', async () => {
    const files = Array.from({ length: LIMITS.maxAttachments + 1 }, (_, index) => file(`f${index}.txt`, 10));
    await expectTooLarge(postMultipart(api.http, [...FIELDS, ...files]), 'WES_MAX_ATTACHMENTS');
  });

  test('attachments larger than WES_MAX_UPLOAD_BYTES in all, each within its own limit', async () => {
    const files = Array.from({ length: LIMITS.maxAttachments }, (_, index) => file(`f${index}.bin`, LIMITS.maxAttachmentBytes));
    await expectTooLarge(postMultipart(api.http, [...FIELDS, ...files]), 'WES_MAX_UPLOAD_BYTES');
  });

  test('a request at every limit is accepted', async () => {
    const files = Array.from({ length: LIMITS.maxAttachments }, (_, index) =>
      file(`f${index}.bin`, Math.floor(LIMITS.maxUploadBytes / LIMITS.maxAttachments)),
    );
    const response = await postMultipart(api.http, [...FIELDS, ...files]).expect(200);
    expect(response.body.run_id).toMatch(/^run-/);
  });

  test('refused uploads leave nothing behind', () => {
    expect(readdirSync(path.join(api.harness.dataDir, 'uploads'))).toEqual([]);
  });

  test('service-info tells the limits', async () => {
    const { body } = await api.http.get(`${API}/service-info`).expect(200);
    expect(body.tags).toMatchObject({
      max_body_bytes: '1024',
      max_attachment_bytes: '4096',
      max_attachments: '3',
      max_upload_bytes: '10000',
    });
  });
});

describe('the rate limit: 429 with Retry-After', () => {
  const RATE_LIMIT = { limit: 3, windowMs: 60_000 };

  async function expectTooMany(test: Test): Promise<void> {
    const response = await test.expect(429);
    expectSchema('ErrorResponse', response.body);
    expect(response.body).toEqual({
      msg: expect.stringMatching(/^too many requests: at most 3 in 60 s per caller \(WES_RATE_LIMIT\); retry after \d+ s$/),
      status_code: 429,
    });
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  }

  test('per owner: one owner past the limit, another still served', async () => {
    const { http } = await api.createApp({ ...keyAuth(['alice', 'alice', READ_WRITE], ['bob', 'bob', READ_WRITE]), rateLimit: RATE_LIMIT });
    const alice = () => http.get(`${API}/runs`).auth(testKey('alice'), { type: 'bearer' });
    // One budget for all routes.
    await alice().expect(200);
    await http.get(`${API}/runs/run-unknown/status`).auth(testKey('alice'), { type: 'bearer' }).expect(404);
    await alice().expect(200);
    await expectTooMany(alice());
    await http.get(`${API}/runs`).auth(testKey('bob'), { type: 'bearer' }).expect(200);
  });

  test('without credentials, per client IP, public routes too', async () => {
    const { http } = await api.createApp({ rateLimit: RATE_LIMIT });
    for (let request = 0; request < RATE_LIMIT.limit; request++) await http.get(`${API}/service-info`).expect(200);
    await expectTooMany(http.get(`${API}/runs`));
  });
});
