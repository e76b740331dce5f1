/**
 * The bench's seeders (bench/lib/seed-read-model.ts, bench/lib/seed-sapporo.py) make runs each
 * server then serves as its own: listed, counted and read like the real run they copy. The
 * read-model copies are tagged with this test's own tag and removed at the end, since the database
 * is shared with other test files.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { seedReadModel } from '../bench/lib/seed-read-model';
import { startSapporoServer, type SapporoServer } from '../bench/lib/sapporo';
import { HELLO_CWL } from '../bench/lib/wes-client';
import { API, createApiHarness, waitForState, type ApiHarness } from './support/api-harness';
import { eventually } from './support/eventually';
import { simulatedRun, submitRun } from './support/submit-run';

const COPIES = 25;

describe('durable-wes read model', () => {
  let api: ApiHarness;
  const tag = randomUUID();

  beforeAll(async () => {
    api = await createApiHarness();
  });

  afterAll(async () => {
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    await db.query(`DELETE FROM runs WHERE request->'tags'->>'seeding' = $1`, [tag]);
    await db.end();
    await api.stop();
  });

  test('copies of a finished run are listed, counted, older than it and read as runs of their own', async () => {
    const template = await submitRun(api.http, simulatedRun({ duration_ms: 0 }, { tags: { wes_provider: 'simulated', seeding: tag } }));
    expect(await waitForState(api.http, template)).toBe('COMPLETE');

    await seedReadModel(process.env.DATABASE_URL!, template, COPIES);

    const list = (
      await api.http
        .get(`${API}/runs`)
        .query({ tag: `seeding:${tag}`, page_size: 100 })
        .expect(200)
    ).body;
    expect(list.total_runs).toBe(COPIES + 1);
    const ids = list.runs.map((run: { run_id: string }) => run.run_id);
    expect(new Set(ids).size).toBe(COPIES + 1);
    // Newest first: the real run, then its copies one second apart going back.
    expect(ids[0]).toBe(template);
    const copy = ids[1];
    const log = (await api.http.get(`${API}/runs/${copy}`).expect(200)).body;
    expect(log.run_id).toBe(copy);
    expect(log.state).toBe('COMPLETE');
    expect(JSON.stringify(log)).not.toContain(template);
    const transitions = (await api.http.get(`${API}/runs/${copy}/transitions`).expect(200)).body;
    const original = (await api.http.get(`${API}/runs/${template}/transitions`).expect(200)).body;
    expect(JSON.stringify(transitions).replaceAll(copy, template)).toBe(JSON.stringify(original));
  });
});

describe('Sapporo run dir and index', () => {
  let sapporo: SapporoServer;

  beforeAll(async () => {
    sapporo = await startSapporoServer();
  });

  afterAll(async () => {
    await sapporo.server.stop();
  });

  test('copies of a finished run are listed, counted and read by Sapporo as runs of its own', async () => {
    const template = await sapporo.wes.submitForm(
      {
        workflow_type: 'CWL',
        workflow_type_version: 'v1.2',
        workflow_url: 'hello.cwl',
        workflow_engine: 'cwltool',
        workflow_params: { message: 'seed' },
      },
      { 'hello.cwl': HELLO_CWL },
    );
    await eventually(
      () => sapporo.wes.state(template),
      (state) => state === 'COMPLETE',
      { timeoutMs: 120_000, intervalMs: 250, what: `Sapporo run ${template} to COMPLETE` },
    );

    await sapporo.seed(template, COPIES);

    const list = (await (await fetch(`${sapporo.wes.base}/runs?page_size=100`)).json()) as {
      total_runs: number;
      runs: Array<{ run_id: string; state: string }>;
    };
    expect(list.total_runs).toBe(COPIES + 1);
    expect(list.runs[0].run_id).toBe(template);
    expect(list.runs.every((run) => run.state === 'COMPLETE')).toBe(true);
    const copy = list.runs[1].run_id;
    expect(copy).not.toBe(template);
    expect(await sapporo.wes.state(copy)).toBe('COMPLETE');
    const log = (await (await fetch(`${sapporo.wes.base}/runs/${copy}`)).json()) as { run_id: string; outputs: unknown };
    expect(log.run_id).toBe(copy);
    expect(log.outputs).toBeTruthy();
  });
});
