/**
 * Requests and results larger than Temporal's payload limit (2 MB) are kept beside the history and
 * referenced from it (the claim-check codec), so a run with 5 MB of workflow_params completes.
 */
import { API, createApiHarness, waitForState, type ApiHarness } from '../support/api-harness';
import { simulatedRun, submitRun } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  await api.stop();
});

test('a run with 5 MB of workflow_params completes, its history holding no large payload', async () => {
  const sample = 'x'.repeat(5 * 1024 * 1024);
  const runId = await submitRun(api.http, simulatedRun({ duration_ms: 0, sample }, { tags: { wes_provider: 'simulated' } }));
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');

  const run = await api.http.get(`${API}/runs/${runId}`);
  expect(run.body.request.workflow_params.sample).toHaveLength(sample.length);
  // The simulated provider echoes the parameters it received as an output: 5 MB back.
  expect(run.body.outputs.received_params.sample).toBe(sample);

  const history = await api.harness.client.workflow.getHandle(runId).fetchHistory();
  const payloadSizes = JSON.stringify(history.events, (key, value) => (key === 'data' && value ? { size: value.length } : value));
  const largest = Math.max(...[...payloadSizes.matchAll(/"size":(\d+)/g)].map((m) => Number(m[1])));
  expect(largest).toBeLessThan(256 * 1024);
});
