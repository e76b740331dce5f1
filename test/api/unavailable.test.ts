/**
 * Outages are 503s, not 500s: Temporal unreachable (the API still serves the read model), and the
 * database unreachable (real node-postgres errors from a server that is not there).
 */
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import type { RunStore } from '../../read-model/run-store';
import { API, createApiHarness, waitForState, type ApiHarness } from '../support/api-harness';
import { freePort } from '../support/free-port';
import { postRun, submitRun } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

test('Temporal unreachable: starting a run is a 503, reading the read model still works', async () => {
  const { http } = await api.createApp({ temporalAddress: `127.0.0.1:${await freePort()}` });
  const started = Date.now();
  const response = await postRun(http).expect(503);
  expect(response.body).toEqual({ msg: expect.stringMatching(/^Temporal is unavailable/), status_code: 503 });
  expect(Date.now() - started).toBeLessThan(10_000);
  await http.get(`${API}/runs`).expect(200);
  await http.get(`${API}/service-info`).expect(200);
});

describe('database unreachable', () => {
  let app: INestApplication;
  let pool: Pool;
  beforeAll(async () => {
    pool = new Pool({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'nothing', connectionTimeoutMillis: 2000 });
    const query = () => pool.query('SELECT 1');
    const unreachable = async () => {
      await query();
      throw new Error('unreachable: the query above fails');
    };
    const runStore: RunStore = {
      project: unreachable,
      get: unreachable,
      status: unreachable,
      transitions: unreachable,
      list: unreachable,
      countByWesState: unreachable,
      markCanceling: unreachable,
      delete: unreachable,
      projectTasks: unreachable,
      listTasks: unreachable,
      getTask: unreachable,
      ping: unreachable,
    };
    app = await createApp({ config: api.config, runStore, logger: false });
  });
  // The pool exists before the app: it is ended even when the app never started.
  afterAll(async () => {
    try {
      await app.close();
    } finally {
      await pool.end();
    }
  });

  test.each([
    ['GET /runs', (http: ReturnType<typeof request>) => http.get(`${API}/runs`)],
    ['GET /runs/{id}', (http: ReturnType<typeof request>) => http.get(`${API}/runs/run-x`)],
    ['GET /service-info', (http: ReturnType<typeof request>) => http.get(`${API}/service-info`)],
  ])('%s is a 503', async (_name, send) => {
    const response = await send(request(app.getHttpServer())).expect(503);
    expect(response.body).toEqual({ msg: expect.stringMatching(/^the database is unavailable/), status_code: 503 });
  });

  test('POST /runs still starts the run: the workflow writes its own rows once the database is back', async () => {
    const runId = await submitRun(request(app.getHttpServer()));
    // The worker's projections go to the real database, which stands for "back".
    expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  });
});
