/**
 * `total_runs` (spec PR 183) as one owner sees it, through the API on the real worker, Temporal and
 * PostgreSQL, while that owner's runs move between states, are cancelled and are deleted: the counts
 * the read model keeps (docs/design.md, "The read model") must say what a count of the runs says.
 * The owner is this file's own, since the database is shared with other test files.
 */
import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { API, createApiHarness, waitForState, type ApiHarness, type Http } from '../support/api-harness';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { eventually } from '../support/eventually';
import { simulatedRun, submitRun } from '../support/submit-run';

let api: ApiHarness;
let http: Http;
const owner = `tally-${randomUUID()}`;
const as = (name: string) => (test: Test) => test.auth(testKey(name), { type: 'bearer' });
const mine = as('tally');
const other = as('other');

beforeAll(async () => {
  api = await createApiHarness();
  ({ http } = await api.createApp(keyAuth(['tally', owner, READ_WRITE], ['other', `other-${randomUUID()}`, READ_WRITE])));
});
afterAll(async () => {
  await api.stop();
});

const submit = (durationMs: number) => submitRun(http, simulatedRun({ duration_ms: durationMs }), { bearer: testKey('tally') });

/** total_runs and the runs listed, for these state filters, as the owner sees them. */
async function listed(states: string[] = []): Promise<{ total: number; ids: string[] }> {
  const query = states.map((state) => `state=${state}`).join('&');
  const { body } = await mine(http.get(`${API}/runs?page_size=100&${query}`)).expect(200);
  return { total: body.total_runs, ids: body.runs.map((run: { run_id: string }) => run.run_id).sort() };
}

test("total_runs follows the owner's runs through their states, a cancel and a delete, for every state filter", async () => {
  expect(await listed()).toEqual({ total: 0, ids: [] });
  const done = [await submit(0), await submit(0)];
  const long = await submit(60_000);
  for (const runId of done) expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  await waitForState(api.http, long, (state) => state === 'RUNNING');

  expect(await listed()).toEqual({ total: 3, ids: [...done, long].sort() });
  expect(await listed(['COMPLETE'])).toEqual({ total: 2, ids: [...done].sort() });
  expect(await listed(['RUNNING'])).toEqual({ total: 1, ids: [long] });
  expect(await listed(['RUNNING', 'COMPLETE'])).toEqual({ total: 3, ids: [...done, long].sort() });
  expect(await listed(['QUEUED'])).toEqual({ total: 0, ids: [] });
  expect((await other(http.get(`${API}/runs`)).expect(200)).body.total_runs).toBe(0);

  await mine(http.post(`${API}/runs/${long}/cancel`)).expect(200);
  expect(await waitForState(api.http, long)).toBe('CANCELED');
  expect(await listed(['RUNNING'])).toEqual({ total: 0, ids: [] });
  expect(await listed(['CANCELED'])).toEqual({ total: 1, ids: [long] });

  await eventually(
    () => api.harness.runStore.get(done[0]),
    (row) => row?.cleaned === true,
    { what: `run ${done[0]} to be cleaned up` },
  );
  await mine(http.delete(`${API}/runs/${done[0]}`)).expect(200);
  expect(await listed()).toEqual({ total: 2, ids: [done[1], long].sort() });
  expect(await listed(['COMPLETE'])).toEqual({ total: 1, ids: [done[1]] });
  await mine(http.get(`${API}/runs/${done[0]}/status`)).expect(404);
  expect((await mine(http.get(`${API}/runs/${done[1]}/status`)).expect(200)).body).toEqual({ run_id: done[1], state: 'COMPLETE' });
});
