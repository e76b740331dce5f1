/** GET /runs (filters, paging, total_runs) and idempotent POST /runs. */
import { randomUUID } from 'node:crypto';
import { API, createApiHarness, expectSchema, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { postRun, simulatedRun, submitRun } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

describe('listing', () => {
  const suite = randomUUID();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const [name, params] of Object.entries({
      done1: { duration_ms: 0 },
      done2: { duration_ms: 0 },
      failed: { duration_ms: 0, outcome: 'EXECUTOR_ERROR' },
      long: { duration_ms: 60_000 },
    })) {
      ids[name] = await submitRun(api.http, simulatedRun(params, { tags: { suite, name } }));
    }
    for (const name of ['done1', 'done2', 'failed']) await waitForState(api.http, ids[name]);
    await waitForState(api.http, ids.long, (state) => state === 'RUNNING');
  });
  afterAll(async () => {
    await api.http.post(`${API}/runs/${ids.long}/cancel`).expect(200);
  });

  const list = async (query: string) => {
    const response = await api.http.get(`${API}/runs?${query}`).expect(200);
    expectSchema('RunListResponse', response.body);
    return response.body;
  };

  test('by tag: RunSummary items with tags and times, total_runs, and no next page', async () => {
    const page = await list(`tag=suite:${suite}`);
    expect(page.total_runs).toBe(4);
    expect(page.next_page_token).toBe('');
    expect(page.runs.map((run: { run_id: string }) => run.run_id).sort()).toEqual(Object.values(ids).sort());
    const done = page.runs.find((run: { run_id: string }) => run.run_id === ids.done1);
    expectSchema('RunSummary', done);
    expect(done).toMatchObject({ state: 'COMPLETE', tags: { suite, name: 'done1' } });
    expect(Date.parse(done.start_time)).toBeLessThanOrEqual(Date.parse(done.end_time));
    const long = page.runs.find((run: { run_id: string }) => run.run_id === ids.long);
    expect(long.state).toBe('RUNNING');
    expect(long.end_time).toBeUndefined();
  });

  test('newest first', async () => {
    const page = await list(`tag=suite:${suite}`);
    expect(page.runs.map((run: { run_id: string }) => run.run_id)).toEqual([ids.long, ids.failed, ids.done2, ids.done1]);
  });

  test('by several tags, all of which must match', async () => {
    const page = await list(`tag=suite:${suite}&tag=name:done2`);
    expect(page.runs.map((run: { run_id: string }) => run.run_id)).toEqual([ids.done2]);
    expect(page.total_runs).toBe(1);
    expect((await list(`tag=suite:${suite}&tag=name:nobody`)).total_runs).toBe(0);
    // A run carries one value per tag: asking for two is asking for none.
    expect(await list(`tag=suite:${suite}&tag=name:done1&tag=name:done2`)).toEqual({ runs: [], next_page_token: '', total_runs: 0 });
  });

  test('by state, repeated or comma-separated', async () => {
    expect((await list(`tag=suite:${suite}&state=COMPLETE`)).total_runs).toBe(2);
    const some = await list(`tag=suite:${suite}&state=COMPLETE,EXECUTOR_ERROR`);
    expect(some.total_runs).toBe(3);
    expect((await list(`tag=suite:${suite}&state=COMPLETE&state=RUNNING`)).total_runs).toBe(3);
    expect((await list(`tag=suite:${suite}&state=PAUSED`)).runs).toEqual([]);
  });

  test('page by page, to the empty token', async () => {
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await list(`tag=suite:${suite}&page_size=1${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
      expect(page.runs.length).toBeLessThanOrEqual(1);
      expect(page.total_runs).toBe(4);
      seen.push(...page.runs.map((run: { run_id: string }) => run.run_id));
      token = page.next_page_token;
      pages++;
    } while (token !== '' && pages < 10);
    expect(seen).toEqual([ids.long, ids.failed, ids.done2, ids.done1]);
  });
});

describe('Idempotency-Key', () => {
  test('the same key answers with the same run and starts one workflow', async () => {
    const key = randomUUID();
    const body = simulatedRun({ duration_ms: 0 }, { tags: { suite: key } });
    // Concurrent first attempts race to start the workflow; one starts it, the other finds it.
    const [runId, second] = await Promise.all([1, 2].map(() => submitRun(api.http, body, { idempotencyKey: key })));
    expect(second).toBe(runId);
    expect(await waitForState(api.http, runId)).toBe('COMPLETE');
    // A retry after the run ended still names it, and starts nothing.
    expect(await submitRun(api.http, body, { idempotencyKey: key })).toBe(runId);

    expect(await api.harness.client.workflow.count(`WorkflowId = "${runId}"`)).toEqual(expect.objectContaining({ count: 1 }));
    const listed = await api.http.get(`${API}/runs?tag=suite:${key}`).expect(200);
    expect(listed.body.total_runs).toBe(1);
  });

  test('the key of a deleted run: 409, and nothing started', async () => {
    const key = randomUUID();
    const body = simulatedRun({ duration_ms: 0 }, { tags: { suite: key } });
    const runId = await submitRun(api.http, body, { idempotencyKey: key });
    expect(await waitForState(api.http, runId)).toBe('COMPLETE');
    // Deletable once cleaned up, a moment after it ended.
    await eventually(
      async () => (await api.http.delete(`${API}/runs/${runId}`)).status,
      (status) => status === 200,
      { what: `run ${runId} to be deleted` },
    );
    const retry = await postRun(api.http, body, { idempotencyKey: key }).expect(409);
    expect(retry.body).toEqual({ msg: expect.stringContaining(`${runId}, has been deleted`), status_code: 409 });
    expect(await api.harness.client.workflow.count(`WorkflowId = "${runId}"`)).toEqual(expect.objectContaining({ count: 1 }));
  });

  test('different keys, or no key, make different runs', async () => {
    const body = simulatedRun({ duration_ms: 0 }, { tags: { suite: 'idempotency' } });
    const a = await submitRun(api.http, body, { idempotencyKey: randomUUID() });
    const b = await submitRun(api.http, body, { idempotencyKey: randomUUID() });
    const c = await submitRun(api.http, body);
    const d = await submitRun(api.http, body);
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  test('keys are per owner: the same key of two owners makes two runs', async () => {
    const { http } = await api.createApp(keyAuth(['alice', 'alice', READ_WRITE], ['bob', 'bob', READ_WRITE]));
    const key = randomUUID();
    const body = simulatedRun({ duration_ms: 0 }, { tags: { suite: key } });
    const alice = await submitRun(http, body, { bearer: testKey('alice'), idempotencyKey: key });
    const bob = await submitRun(http, body, { bearer: testKey('bob'), idempotencyKey: key });
    expect(alice).not.toBe(bob);
  });
});
