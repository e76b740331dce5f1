/**
 * GET /runs page by page over 1,000 runs while new runs arrive: no run missing, none repeated.
 * The 1,000 are written through the read model's projection (the worker's write path) so the test
 * stays fast; the runs that arrive meanwhile are real submissions through POST /runs.
 */
import { randomUUID } from 'node:crypto';
import { API, createApiHarness, type ApiHarness } from '../support/api-harness';
import { simulatedRun, submitRun } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

test('1,000 runs, page by page, while new ones arrive', async () => {
  const batch = randomUUID();
  const seeded: string[] = [];
  // Many runs share a submission time: the run id must break the ties.
  const base = Date.now() - 60_000;
  for (let i = 0; i < 1000; i++) {
    const runId = `run-${randomUUID()}`;
    seeded.push(runId);
    await api.harness.runStore.project({
      runId,
      version: 1,
      state: 'succeeded',
      wesState: 'COMPLETE',
      canceling: false,
      request: { workflow_type: 'SIMULATED', workflow_type_version: '1', workflow_url: 'simulated:', tags: { batch } },
      outputs: {},
      runLog: {},
      cleaned: true,
      submittedAt: new Date(base + Math.floor(i / 10)),
      transitions: [],
    });
  }

  const seen: string[] = [];
  const arrived: string[] = [];
  let token = '';
  let pages = 0;
  do {
    const { body } = await api.http
      .get(`${API}/runs`)
      .query({ page_size: 37, tag: `batch:${batch}`, ...(token ? { page_token: token } : {}) })
      .expect(200);
    seen.push(...body.runs.map((run: { run_id: string }) => run.run_id));
    token = body.next_page_token;
    if (++pages % 5 === 0) {
      arrived.push(await submitRun(api.http, simulatedRun({ duration_ms: 0 }, { tags: { batch, wes_provider: 'simulated' } })));
    }
  } while (token !== '');

  expect(arrived.length).toBeGreaterThan(4);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.filter((id) => seeded.includes(id)).sort()).toEqual([...seeded].sort());
  // Newer runs come first, so the ones that arrived during paging are behind the cursor.
  expect(seen.filter((id) => arrived.includes(id))).toEqual([]);
  const { body } = await api.http
    .get(`${API}/runs`)
    .query({ tag: `batch:${batch}`, page_size: 1 })
    .expect(200);
  expect(body.total_runs).toBe(1000 + arrived.length);
});
