/**
 * Schemathesis against the real API, from the document the API serves: requests it generates
 * from the schemas must be answered as the document says (statuses, content types, bodies),
 * requests that break the schemas must be refused, and methods a path does not have must be 405s.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Test } from 'supertest';
import { API, createApiHarness, waitForState, type ApiHarness, type Http } from '../support/api-harness';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { freePort } from '../support/free-port';
import { ensureSchemathesis, runSchemathesis } from '../support/schemathesis';

/**
 * The checks are in the config file, not on the command line, where they would override the
 * per-operation exception. RunWorkflow: a request that fits the schema is still refused (400) when
 * the providers do not run its workflow_type and version, when its tags name no provider, or when
 * its relative workflow_url names no attachment; no schema can say what the configured providers
 * run. Parameters: a page_token is only one this service issued (an empty one is the first page),
 * and the run operations are given a real run, so that they answer more than 404s.
 */
const config = (runId: string) => `
[parameters]
"query.page_token" = ""
"path.run_id" = "${runId}"

[checks]
enabled = false
not_a_server_error.enabled = true
status_code_conformance.enabled = true
content_type_conformance.enabled = true
response_schema_conformance.enabled = true
negative_data_rejection.enabled = true
positive_data_acceptance.enabled = true
unsupported_method.enabled = true

[[operations]]
include-operation-id = "RunWorkflow"
checks.positive_data_acceptance.enabled = false
`;

let api: ApiHarness;
let dir: string;
beforeAll(async () => {
  // Installed once, into .cache; a first install takes a minute or two.
  await ensureSchemathesis();
  api = await createApiHarness();
  dir = await mkdtemp(path.join(os.tmpdir(), 'schemathesis-'));
}, 300_000);
afterAll(async () => {
  await api?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Listens on a free port; returns its origin. */
async function listen(app: INestApplication): Promise<string> {
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

/** A completed run of the caller's (`as` sets its credentials), for the run operations to find. */
async function completedRun(http: Http, as: (test: Test) => Test = (test) => test): Promise<string> {
  const { body } = await as(http.post(`${API}/runs`))
    .send({ workflow_type: 'SIMULATED', workflow_type_version: '1', workflow_url: 'simulated:', workflow_params: { duration_ms: 0 } })
    .expect(200);
  await waitForState(api.http, body.run_id);
  return body.run_id;
}

/**
 * Every phase (examples, coverage, fuzzing, stateful), a few examples per operation. A fixed seed,
 * so that a failure is seen again on the next run; one worker, as Python 3.11's parser (which
 * Hypothesis calls) can fail on threads ("AST constructor recursion depth mismatch").
 */
async function fuzz(name: string, origin: string, runId: string, extra: string[] = []): Promise<void> {
  const configFile = path.join(dir, `${name}.toml`);
  await writeFile(configFile, config(runId));
  const { code, output } = await runSchemathesis(
    [
      '--config-file', configFile,
      'run', `${origin}/docs-json`,
      '--url', `${origin}${API}`,
      '--max-examples', '10',
      '--seed', '1',
      '--workers', '1',
      '--request-timeout', '10',
      ...extra,
    ],
    150_000,
  );
  if (code !== 0) console.log(output);
  expect({ code }).toEqual({ code: 0 });
}

test('every operation answers generated requests as the served document says', async () => {
  await fuzz('open', await listen(api.app), await completedRun(api.http));
}, 200_000);

/** With auth and a rate limit on, as a caller who may only read: writes answer 403, as documented. */
test('with auth on, as a runs:read caller, too', async () => {
  const { app, http } = await api.createApp({ ...keyAuth(['alice', 'alice', READ_WRITE], ['reader', 'alice', ['runs:read']]), rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  const runId = await completedRun(http, (test) => test.auth(testKey('alice'), { type: 'bearer' }));
  await fuzz('auth', await listen(app), runId, ['--header', `Authorization: Bearer ${testKey('reader')}`]);
}, 200_000);
