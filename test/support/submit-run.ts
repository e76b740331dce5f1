/**
 * POST /runs through the real API, as a WES client sends it: a JSON body, with a bearer token and an
 * Idempotency-Key when asked. `submitRun` is for tests that need a run; `postRun` for tests that
 * assert on the answer itself (a refusal, a header). Multipart bodies: postMultipart in api-harness.
 */
import type { Test } from 'supertest';
import { API, type Http } from './api-harness';

/** A run request as a test sends it: a plain object, so that tests can send bad ones too. */
export type RunRequest = Record<string, unknown>;

/** A SIMULATED run (the simulated provider, no engine): it finishes after `duration_ms`, at once by default. */
export const simulatedRun = (params: Record<string, unknown> = { duration_ms: 0 }, fields: RunRequest = {}): RunRequest => ({
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_url: 'simulated:',
  workflow_params: params,
  ...fields,
});

/** A CWL v1.2 run of `workflowUrl` (a path under the workflow roots, or a URL). */
export const cwlRun = (workflowUrl: string, params: Record<string, unknown> = {}, fields: RunRequest = {}): RunRequest => ({
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: workflowUrl,
  workflow_params: params,
  ...fields,
});

export interface PostRunOptions {
  /** Sent as `Authorization: Bearer <bearer>`: an API key or a JWT. */
  bearer?: string;
  idempotencyKey?: string;
}

/** The POST /runs, not yet sent: the caller sets what it expects of the answer. */
export function postRun(http: Http, request: RunRequest = simulatedRun(), { bearer, idempotencyKey }: PostRunOptions = {}): Test {
  let test = http.post(`${API}/runs`);
  if (bearer !== undefined) test = test.auth(bearer, { type: 'bearer' });
  if (idempotencyKey !== undefined) test = test.set('Idempotency-Key', idempotencyKey);
  return test.send(request);
}

/** Submits a run the API must accept (200); its run id. */
export async function submitRun(http: Http, request: RunRequest = simulatedRun(), options: PostRunOptions = {}): Promise<string> {
  const { body } = await postRun(http, request, options).expect(200);
  return body.run_id;
}
