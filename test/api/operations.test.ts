/**
 * The API's operational endpoints (docs/deployment.md, "Operations"): the probes, against a real
 * Temporal and real PostgreSQL servers that go away and come back; /metrics; the request log.
 */
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/api/app';
import type { Config } from '../../src/config/config';
import { openDatabase } from '../../read-model/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { PostgresRunStore } from '../../read-model/postgres-run-store';
import type { RunStore } from '../../read-model/run-store';
import { API, createApiHarness, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { keyAuth, READ_WRITE } from '../support/auth';
import { sampleSum } from '../support/prometheus';
import { submitRun } from '../support/submit-run';

let api: ApiHarness;
const apps: INestApplication[] = [];
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await api.stop();
});

/** An app of its own, quiet: its failing checks would log errors. */
async function quietApp(config: Partial<Config>, runStore: RunStore = api.harness.runStore) {
  const app = await createApp({ config: { ...api.config, ...config }, runStore, logger: false });
  apps.push(app);
  return request(app.getHttpServer());
}

test('/healthz: the process answers, whatever its dependencies', async () => {
  const http = await quietApp({ temporalAddress: `127.0.0.1:${await freePort()}` });
  const response = await http.get('/healthz').expect(200);
  expect(response.body).toMatchObject({ status: 'ok' });
});

test('/readyz: 200 with every dependency up, each named', async () => {
  const response = await api.http.get('/readyz').expect(200);
  expect(response.body).toMatchObject({
    status: 'ok',
    details: {
      temporal: { status: 'up' },
      database: { status: 'up' },
      'provider:local': { status: 'up', kind: 'local', workflow_types: expect.arrayContaining(['CWL']) },
      'provider:simulated': { status: 'up', kind: 'simulated' },
    },
  });
});

test('/readyz: 503 while Temporal is down, as an ErrorResponse that names it', async () => {
  const http = await quietApp({ temporalAddress: `127.0.0.1:${await freePort()}` });
  const response = await http.get('/readyz').expect(503);
  expect(response.body).toMatchObject({
    msg: 'not ready: temporal down',
    status_code: 503,
    status: 'error',
    error: { temporal: { status: 'down', message: expect.any(String) } },
    info: { database: { status: 'up' } },
  });
});

describe('a database that stops and comes back', () => {
  let postgres: EmbeddedPostgres | undefined;
  let database: DataSource | undefined;
  let dataDir: string;
  let port: number;
  afterAll(async () => {
    await database?.destroy();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('/readyz: 200, then 503 while it is down, then 200 again', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-readyz-pg-'));
    port = await freePort();
    postgres = await startEmbeddedPostgres({ dataDir, port });
    database = await openDatabase(postgres.url);
    const http = await quietApp({}, new PostgresRunStore(database));
    await http.get('/readyz').expect(200);

    await postgres.stop();
    const down = await http.get('/readyz').expect(503);
    expect(down.body).toMatchObject({
      msg: 'not ready: database down',
      status_code: 503,
      error: { database: { status: 'down' } },
      info: { temporal: { status: 'up' } },
    });

    postgres = await startEmbeddedPostgres({ dataDir, port });
    await eventually(
      () => http.get('/readyz'),
      (response) => response.status === 200,
      { what: '/readyz to answer 200 again' },
    );
  });
});

test('the probes and /metrics are public when auth is on, outside the WES prefix', async () => {
  const { http } = await api.createApp(keyAuth(['alice', 'alice', READ_WRITE]));
  await http.get(`${API}/runs`).expect(401);
  await http.get('/healthz').expect(200);
  await http.get('/readyz').expect(200);
  await http.get('/metrics').expect(200);
  // Not under the prefix: there it is no route (and unmatched routes are public 404s).
  await http.get(`${API}/readyz`).expect(404);
});

test('/metrics: runs by state from the read model, and requests by route template and status', async () => {
  const runId = await submitRun(api.http);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  await api.http.get(`${API}/runs/run-unknown`).expect(404);

  const response = await api.http.get('/metrics').expect(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  const text = response.text;
  const complete = (await api.harness.runStore.countByWesState()).COMPLETE;
  expect(sampleSum(text, 'wes_runs', { state: 'COMPLETE' })).toBe(complete);
  expect(sampleSum(text, 'wes_runs', { state: 'PAUSED' })).toBe((await api.harness.runStore.countByWesState()).PAUSED ?? 0);
  expect(
    sampleSum(text, 'wes_http_request_duration_seconds_count', { method: 'POST', route: `${API}/runs`, status: '200' }),
  ).toBeGreaterThanOrEqual(1);
  expect(
    sampleSum(text, 'wes_http_request_duration_seconds_count', { method: 'GET', route: `${API}/runs/:run_id/status`, status: '200' }),
  ).toBeGreaterThanOrEqual(1);
  expect(sampleSum(text, 'wes_http_request_duration_seconds_count', { method: 'GET', route: `${API}/runs/:run_id`, status: '404' })).toBe(
    1,
  );
  // No series per run id.
  expect(text).not.toContain(runId);
  expect(sampleSum(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
});

test('the request log: JSON lines with method, route, status, duration and the run id', async () => {
  const lines: string[] = [];
  const app = await createApp({
    config: api.config,
    runStore: api.harness.runStore,
    logDestination: { write: (line: string) => lines.push(line) },
  });
  apps.push(app);
  const http = request(app.getHttpServer());
  const runId = await submitRun(http);
  await http.get(`${API}/runs/${runId}/status`).expect(200);

  const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(logged.find((line) => line.route === `${API}/runs/:run_id/status`)).toMatchObject({
    name: 'api',
    level: 30,
    run_id: runId,
    req: { method: 'GET', url: `${API}/runs/${runId}/status` },
    res: { status: 200 },
    duration_ms: expect.any(Number),
  });
  // Nest's own messages go through the same logger.
  expect(logged.some((line) => typeof line.context === 'string')).toBe(true);
});
