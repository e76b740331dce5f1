/**
 * The projection spool (activities/projection-spool.ts) on a real PostgreSQL that is killed and
 * started again: a read-model write that found the database away is written by the worker process
 * itself once the database is back, without the workflow asking again; a write that failed for
 * another reason is not kept.
 */
import type { DataSource } from 'typeorm';
import { createReadModelActivities } from '../activities/read-model-activities';
import { openDatabase } from '../read-model/data-source';
import { PostgresRunStore } from '../read-model/postgres-run-store';
import { ProjectionSpool } from '../activities/projection-spool';
import type { RunProjection, TaskRow } from '../domain/run-rows';
import { startDedicatedPostgres, type DedicatedPostgres } from './chaos/support/dedicated-postgres';
import { eventually } from './support/eventually';

let postgres: DedicatedPostgres;
let db: DataSource | undefined;
let store: PostgresRunStore;

beforeAll(async () => {
  postgres = await startDedicatedPostgres();
  db = await openDatabase(postgres.url);
  store = new PostgresRunStore(db);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await postgres.stop();
});

const AT = new Date('2026-12-01T00:00:00.000Z');

function cancelled(runId: string): RunProjection {
  return {
    runId,
    version: 3,
    state: 'cancelled',
    wesState: 'CANCELED',
    canceling: false,
    request: { workflow_url: 'simulated:', workflow_type: 'SIMULATED', workflow_type_version: '1' },
    provider: 'simulated',
    outputs: {},
    runLog: {},
    cleaned: true,
    submittedAt: AT,
    startTime: AT,
    endTime: AT,
    transitions: [
      { seq: 1, type: 'init', from: 'queued', to: 'starting', at: AT.toISOString() },
      { seq: 2, type: 'cancelled', from: 'starting', to: 'cancelled', at: AT.toISOString(), payload: { reason: 'cancel requested' } },
    ],
  };
}

const task = (taskId: string): TaskRow => ({ taskId, seq: 1, version: 1, name: taskId, state: 'COMPLETE', systemLogs: [], outputs: {} });

test('writes kept while PostgreSQL is dead reach it once it is back, with nobody asking again', async () => {
  const spool = new ProjectionSpool(store, 100);
  const activities = createReadModelActivities(store, spool);
  expect(await postgres.kill()).toMatchObject({ signal: 'SIGKILL' });

  const failed = (err: unknown) => ({ outage: ProjectionSpool.isOutage(err) });
  expect(await activities.projectRun(cancelled('run-spooled')).catch(failed)).toEqual({ outage: true });
  expect(await activities.projectTasks('run-spooled', [task('step')]).catch(failed)).toEqual({ outage: true });
  expect(spool.size).toBe(2);

  await postgres.restart();
  await eventually(
    () => spool.size,
    (size) => size === 0,
    { timeoutMs: 30_000, what: 'the spool to empty' },
  );
  expect(await store.get('run-spooled')).toMatchObject({ wesState: 'CANCELED', version: 3 });
  expect((await store.transitions('run-spooled')).map((t) => t.type)).toEqual(['init', 'cancelled']);
  expect((await store.getTask('run-spooled', 'step'))?.state).toBe('COMPLETE');
}, 90_000);

test('a write that fails for another reason than an outage is left to the workflow', async () => {
  const spool = new ProjectionSpool(store, 100);
  const activities = createReadModelActivities(store, spool);
  // Task rows of a run without a row: the foreign key refuses them.
  await expect(activities.projectTasks('run-unknown', [task('step')])).rejects.toThrow(/foreign key/);
  expect(spool.size).toBe(0);
});
