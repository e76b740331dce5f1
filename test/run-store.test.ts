/**
 * The read model (docs/design.md, "The read model") on a real PostgreSQL: the embedded one, in a fresh cluster, with
 * the schema from the migrations.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { ExecutionState } from '../domain/state-machine';
import type { Transition, WesRunRequest } from '../domain/run-types';
import type { WesState } from '../domain/wes-state';
import { migrate, openDatabase } from '../read-model/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/database/embedded-postgres';
import { PostgresRunStore } from '../read-model/postgres-run-store';
import { InvalidPageTokenError } from '../read-model/run-store';
import { type RunProjection, type RunRow, type RunSummaryRow, type TaskRow } from '../domain/run-rows';
import { seedReadModel } from '../bench/lib/seed-read-model';
import { freePort } from './support/free-port';

let tmp: string;
let postgres: EmbeddedPostgres;
let db: DataSource;
let store: PostgresRunStore;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'run-store-'));
  postgres = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'postgres'), port: await freePort() });
  db = await openDatabase(postgres.url);
  store = new PostgresRunStore(db);
});
// PostgreSQL starts before the database opens: it is stopped even when the database never opened.
afterAll(async () => {
  try {
    await db.destroy();
  } finally {
    await postgres.stop();
    await rm(tmp, { recursive: true, force: true });
  }
});
beforeEach(async () => {
  await db.query('TRUNCATE runs CASCADE');
});

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const REQUEST: WesRunRequest = { workflow_url: 'hello.cwl', workflow_type: 'CWL', workflow_type_version: 'v1.2' };

/** A run that goes queued → starting → running → succeeded; version n has its first n transitions. */
const LIFE: Array<{ type: Transition['type']; to: ExecutionState; wesState: WesState }> = [
  { type: 'init', to: 'starting', wesState: 'INITIALIZING' },
  { type: 'step', to: 'running', wesState: 'RUNNING' },
  { type: 'finish', to: 'succeeded', wesState: 'COMPLETE' },
];

function transitionsUpTo(version: number): Transition[] {
  return LIFE.slice(0, version).map(({ type, to }, i) => ({
    seq: i + 1,
    type,
    from: i === 0 ? 'queued' : LIFE[i - 1].to,
    to,
    at: new Date(T0 + (i + 1) * 1000).toISOString(),
    ...(type === 'step' ? { payload: { externalId: 'ext-1' } } : {}),
  }));
}

function projection(runId: string, version: number, overrides: Partial<RunProjection> = {}): RunProjection {
  return {
    runId,
    version,
    state: version === 0 ? 'queued' : LIFE[version - 1].to,
    wesState: version === 0 ? 'QUEUED' : LIFE[version - 1].wesState,
    canceling: false,
    request: REQUEST,
    outputs: {},
    runLog: {},
    cleaned: false,
    submittedAt: new Date(T0),
    ...(version >= 1 ? { startTime: new Date(T0 + 1000), provider: 'local' } : {}),
    ...(version >= 3 ? { endTime: new Date(T0 + 3000), outputs: { out: 'hello' }, runLog: { exit_code: 0 } } : {}),
    transitions: transitionsUpTo(version),
    ...overrides,
  };
}

function rowOf({ transitions: _transitions, ...row }: RunProjection): RunRow {
  return row as RunRow;
}

async function rowCount(table: string, runId: string): Promise<number> {
  const [{ n }] = await db.query(`SELECT count(*)::integer AS n FROM ${table} WHERE run_id = $1`, [runId]);
  return n;
}

describe('project', () => {
  test('the same projection twice: one row, no duplicate transitions', async () => {
    const p = projection('twice', 3, { owner: 'alice', externalId: 'ext-1', request: { ...REQUEST, tags: { a: 'b' } } });
    // What it records for the first time (what the worker counts), and nothing the second time.
    expect(await store.project(p)).toEqual(p.transitions.map(({ seq, from, to }) => ({ seq, from, to })));
    expect(await store.project(p)).toEqual([]);

    expect(await rowCount('runs', 'twice')).toBe(1);
    expect(await store.get('twice')).toEqual(rowOf(p));
    expect(await store.transitions('twice')).toEqual(p.transitions);
  });

  test('an older version never overwrites a newer one; the transitions of both are kept', async () => {
    const v3 = projection('ordered', 3);
    // The late projection of v2 carries all its transitions; v3 carried only its new one.
    await store.project({ ...v3, transitions: v3.transitions.slice(2) });
    await store.project(projection('ordered', 2, { errorMessage: 'stale' }));
    await store.project(projection('ordered', 2));

    expect(await store.get('ordered')).toEqual(rowOf(v3));
    expect(await store.transitions('ordered')).toEqual(v3.transitions);
  });

  test("a newer version updates the row but keeps the first writer's submittedAt", async () => {
    const accepted = new Date(T0 - 60_000);
    await store.project(projection('accepted', 0, { submittedAt: accepted }));
    await store.project(projection('accepted', 1, { submittedAt: new Date(T0) }));

    const row = await store.get('accepted');
    expect(row).toEqual(rowOf(projection('accepted', 1, { submittedAt: accepted })));
    expect(row?.startTime).toEqual(new Date(T0 + 1000));
  });

  test('a projection that came through an activity, its dates made ISO strings, is stored alike', async () => {
    const p = projection('via-temporal', 3);
    await store.project(JSON.parse(JSON.stringify(p)));
    expect(await store.get('via-temporal')).toEqual(rowOf(p));

    // Kept to the millisecond a page token can hold (pg would hide the rest in the Date it reads).
    await store.project({ ...projection('micro', 0), submittedAt: '2026-01-01T00:00:00.123456Z' as unknown as Date });
    const [{ stored }] = await db.query(
      `SELECT to_char(submitted_at AT TIME ZONE 'UTC', 'SS.US') AS stored FROM runs WHERE run_id = 'micro'`,
    );
    expect(stored).toBe('00.123000');
  });
});

describe('markCanceling', () => {
  test('shows CANCELING until the run ends; a projection made before the workflow heard of the cancel keeps it', async () => {
    await store.project(projection('mark', 1));
    await store.markCanceling('mark');
    expect(await store.get('mark')).toEqual(rowOf(projection('mark', 1, { canceling: true, wesState: 'CANCELING' })));

    // Now running, made before the cancel reached the workflow: the mark stays.
    await store.project(projection('mark', 2));
    expect(await store.get('mark')).toMatchObject({ version: 2, state: 'running', canceling: true, wesState: 'CANCELING' });

    await store.project(projection('mark', 3, { state: 'cancelled', wesState: 'CANCELED' }));
    expect(await store.get('mark')).toMatchObject({ version: 3, canceling: false, wesState: 'CANCELED' });
  });

  test('changes nothing on a run that has ended, nor on one that is not there', async () => {
    const ended = projection('ended', 3);
    await store.project(ended);
    await store.markCanceling('ended');
    await store.markCanceling('absent');
    expect(await store.get('ended')).toEqual(rowOf(ended));
    expect(await store.get('absent')).toBeUndefined();
  });
});

test('get, transitions and delete, which takes the transitions with it', async () => {
  await store.project(projection('gone', 2));
  await store.project(projection('kept', 1));
  expect(await store.get('nothing')).toBeUndefined();
  expect(await store.transitions('nothing')).toEqual([]);

  expect(await store.delete('gone')).toBe(true);
  expect(await store.get('gone')).toBeUndefined();
  expect(await rowCount('transitions', 'gone')).toBe(0);
  expect(await store.delete('gone')).toBe(false);
  expect(await store.transitions('kept')).toHaveLength(1);
});

test('status reads the state and owner only', async () => {
  await store.project(projection('owned', 2, { owner: 'alice' }));
  await store.project(projection('unowned', 3));
  expect(await store.status('owned')).toEqual({ runId: 'owned', wesState: 'RUNNING', owner: 'alice' });
  expect(await store.status('unowned')).toEqual({ runId: 'unowned', wesState: 'COMPLETE' });
  expect(await store.status('nothing')).toBeUndefined();
});

test('countByWesState', async () => {
  const versions = [0, 0, 0, 2, 2, 3];
  await Promise.all(versions.map((version, i) => store.project(projection(`count-${i}`, version))));
  expect(await store.countByWesState()).toEqual({ QUEUED: 3, RUNNING: 2, COMPLETE: 1 });
});

describe('list', () => {
  const request = (tags?: Record<string, string>) => ({ ...REQUEST, ...(tags ? { tags } : {}) });
  const ids = (runs: RunSummaryRow[]) => runs.map((run) => run.runId);

  beforeEach(async () => {
    const runs = [
      projection('r1', 0, { owner: 'alice', request: request({ project: 'a', env: 'prod' }) }),
      projection('r2', 2, { owner: 'alice', request: request({ project: 'a' }) }),
      projection('r3', 3, { owner: 'bob', request: request({ project: 'b', env: 'prod' }) }),
      projection('r4', 2, { owner: 'bob', request: request() }),
      projection('r5', 3, { request: request({ project: 'a' }) }),
    ];
    await Promise.all(runs.map((run, i) => store.project({ ...run, submittedAt: new Date(T0 + i * 1000) })));
  });

  test('newest first, with the filters', async () => {
    const list = (filters: object) => store.list({ pageSize: 10, ...filters });
    expect(await list({})).toMatchObject({ totalRuns: 5, nextPageToken: '' });
    expect(ids((await list({})).runs)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    // A summary: what a listing shows, not the run's request, outputs and log.
    expect((await list({})).runs.slice(0, 2)).toEqual([
      {
        runId: 'r5',
        wesState: 'COMPLETE',
        submittedAt: new Date(T0 + 4000),
        startTime: new Date(T0 + 1000),
        endTime: new Date(T0 + 3000),
        tags: { project: 'a' },
      },
      { runId: 'r4', wesState: 'RUNNING', submittedAt: new Date(T0 + 3000), startTime: new Date(T0 + 1000), tags: {} },
    ]);

    expect(await list({ tags: { project: 'a' } })).toMatchObject({ totalRuns: 3 });
    expect(ids((await list({ tags: { project: 'a' } })).runs)).toEqual(['r5', 'r2', 'r1']);
    expect(ids((await list({ tags: { project: 'a', env: 'prod' } })).runs)).toEqual(['r1']);
    expect(ids((await list({ tags: { project: 'c' } })).runs)).toEqual([]);
    expect(ids((await list({ states: ['RUNNING', 'QUEUED'] })).runs)).toEqual(['r4', 'r2', 'r1']);
    expect(ids((await list({ owner: 'bob' })).runs)).toEqual(['r4', 'r3']);
    expect(ids((await list({ owner: 'alice', states: ['RUNNING'], tags: { project: 'a' } })).runs)).toEqual(['r2']);
  });

  test('pages keep the filters, and totalRuns counts all the matching runs', async () => {
    const first = await store.list({ pageSize: 1, tags: { env: 'prod' } });
    expect(first).toMatchObject({ totalRuns: 2 });
    expect(ids(first.runs)).toEqual(['r3']);
    const second = await store.list({ pageSize: 1, tags: { env: 'prod' }, pageToken: first.nextPageToken });
    expect(second).toMatchObject({ totalRuns: 2, nextPageToken: '' });
    expect(ids(second.runs)).toEqual(['r1']);
  });

  test('a page token we did not issue is rejected', async () => {
    const token = (value: string) => Buffer.from(value).toString('base64url');
    const malformed = [
      'not a token!',
      token('not json'),
      token('{"submittedAt":"2026-01-01T00:00:00.000Z","runId":"r1"}'),
      token('["2026-01-01T00:00:00.000Z"]'),
      token('[1767225600000,"r1"]'),
      token('["yesterday","r1"]'),
      `${(await store.list({ pageSize: 1 })).nextPageToken}!`,
    ];
    for (const pageToken of malformed) {
      await expect(store.list({ pageSize: 10, pageToken })).rejects.toThrow(InvalidPageTokenError);
    }
  });
});

describe('totalRuns', () => {
  /** What a count of the rows says, for the filters a listing without tags counts from run_counts. */
  async function counted(filters: { states?: WesState[]; owner?: string }): Promise<number> {
    const [{ n }] = await db.query(
      `SELECT count(*)::integer AS n FROM runs WHERE ($1::text[] IS NULL OR wes_state = ANY($1)) AND ($2::text IS NULL OR owner = $2)`,
      [filters.states ?? null, filters.owner ?? null],
    );
    return n;
  }

  const FILTERS: Array<{ states?: WesState[]; owner?: string }> = [
    {},
    { states: ['QUEUED'] },
    { states: ['RUNNING', 'COMPLETE'] },
    { states: ['CANCELED'] },
    { owner: 'alice' },
    { owner: 'bob' },
    { owner: 'alice', states: ['RUNNING'] },
    { owner: 'carol', states: ['COMPLETE', 'QUEUED'] },
  ];

  async function expectExact(): Promise<void> {
    for (const filters of FILTERS) {
      const { totalRuns } = await store.list({ pageSize: 1, ...filters });
      expect({ ...filters, totalRuns }).toEqual({ ...filters, totalRuns: await counted(filters) });
    }
    const [{ byState }] = await db.query(
      `SELECT COALESCE(jsonb_object_agg(wes_state, n), '{}') AS "byState" FROM (SELECT wes_state, count(*)::integer AS n FROM runs GROUP BY 1) AS c`,
    );
    expect(await store.countByWesState()).toEqual(byState);
  }

  const owners = [undefined, 'alice', 'bob'];

  test('stays exact as runs arrive, move, are re-projected out of order, change owner and are deleted', async () => {
    await expectExact();
    for (let i = 0; i < 12; i++) await store.project(projection(`t-${i}`, 0, { owner: owners[i % 3] }));
    expect((await store.list({ pageSize: 1 })).totalRuns).toBe(12);
    await expectExact();
    for (let i = 0; i < 12; i++) await store.project(projection(`t-${i}`, 1 + (i % 3), { owner: owners[i % 3] }));
    await expectExact();
    // Repeated and older versions change nothing, nor do they count.
    for (let i = 0; i < 12; i++) await store.project(projection(`t-${i}`, i % 3, { owner: owners[i % 3] }));
    await expectExact();
    // The API's row has no owner when auth is off; a projection with one moves the run to it.
    await store.project(projection('t-0', 3, { owner: 'carol' }));
    await expectExact();
    expect((await store.list({ pageSize: 1, owner: 'carol' })).totalRuns).toBe(1);
    for (const runId of ['t-0', 't-1', 't-5', 'never']) await store.delete(runId);
    await expectExact();
    expect((await store.list({ pageSize: 1 })).totalRuns).toBe(9);
  });

  test('stays exact under concurrent projections and deletes', async () => {
    const runs = Array.from({ length: 60 }, (_, i) => `c-${i}`);
    await Promise.all(runs.map((runId, i) => store.project(projection(runId, 0, { owner: owners[i % 3] }))));
    // Each run goes through its life while others are deleted: many transactions on the same few counts at once.
    await Promise.all(
      runs.map(async (runId, i) => {
        if (i % 5 === 0) {
          await store.delete(runId);
          return;
        }
        for (let version = 1; version <= 1 + (i % 3); version++) await store.project(projection(runId, version, { owner: owners[i % 3] }));
      }),
    );
    await expectExact();
    expect((await store.list({ pageSize: 1 })).totalRuns).toBe(48);
  });

  test('two transactions moving runs between two states in opposite directions both commit', async () => {
    for (let i = 0; i < 20; i++) await store.project(projection(`o-${i}`, i < 10 ? 2 : 3));
    const clients = [new Client(postgres.url), new Client(postgres.url)];
    try {
      for (const client of clients) await client.connect();
      const move = async (client: Client, from: WesState, to: WesState) => {
        await client.query('BEGIN');
        await client.query(`UPDATE runs SET wes_state = $2 WHERE wes_state = $1`, [from, to]);
        // Holds its count rows while the other transaction wants the same two.
        await client.query('SELECT pg_sleep(0.2)');
        await client.query('COMMIT');
      };
      await Promise.all([move(clients[0], 'RUNNING', 'COMPLETE'), move(clients[1], 'COMPLETE', 'RUNNING')]);
    } finally {
      for (const client of clients) await client.end();
    }
    await expectExact();
    expect((await store.list({ pageSize: 1, states: ['COMPLETE'] })).totalRuns).toBe(10);
  });

  test('counts the runs of a bulk load (the bench seeding: INSERT ... SELECT) and a TRUNCATE', async () => {
    await store.project(projection('template', 3, { owner: 'alice' }));
    await seedReadModel(postgres.url, 'template', 500);
    await expectExact();
    expect((await store.list({ pageSize: 1, owner: 'alice', states: ['COMPLETE'] })).totalRuns).toBe(501);
    await db.query('TRUNCATE runs CASCADE');
    expect(await store.countByWesState()).toEqual({});
    expect((await store.list({ pageSize: 1 })).totalRuns).toBe(0);
  });
});

test('paging through 1,000 runs while 200 more arrive: each of the 1,000 exactly once', async () => {
  // 20 distinct times only: the run id breaks the many ties.
  const submittedAt = (i: number) => new Date(T0 + (i % 20) * 1000);
  const original = Array.from({ length: 1000 }, (_, i) =>
    projection(`run-${String(i).padStart(4, '0')}`, 0, { submittedAt: submittedAt(i) }),
  );
  for (let i = 0; i < original.length; i += 50) await Promise.all(original.slice(i, i + 50).map((p) => store.project(p)));

  // Arrivals sort on both sides of the originals: tied times with ids before and after theirs,
  // and newer times.
  let arrived = 0;
  const arrive = async (count: number) => {
    const batch = Array.from({ length: count }, (_, i) => {
      const n = arrived + i;
      const id = `${n % 2 === 0 ? 'a' : 'z'}-${randomUUID()}`;
      return projection(id, 0, { submittedAt: n % 3 === 0 ? new Date(T0 + 3_600_000 + n) : submittedAt(n * 7) });
    });
    arrived += count;
    await Promise.all(batch.map((p) => store.project(p)));
  };

  const listed: RunSummaryRow[] = [];
  let pageToken = '';
  do {
    const page = await store.list({ pageSize: 37, ...(pageToken ? { pageToken } : {}) });
    if (listed.length === 0) expect(page.totalRuns).toBe(1000);
    listed.push(...page.runs);
    pageToken = page.nextPageToken;
    if (arrived < 200) await arrive(8);
  } while (pageToken !== '');

  expect(arrived).toBe(200);
  const seen = new Map<string, number>();
  for (const run of listed) seen.set(run.runId, (seen.get(run.runId) ?? 0) + 1);
  expect(original.filter((p) => seen.get(p.runId) !== 1)).toEqual([]);
  expect([...seen].filter(([, n]) => n !== 1)).toEqual([]);
  // Strictly newest first throughout, across page boundaries.
  for (let i = 1; i < listed.length; i++) {
    const [a, b] = [listed[i - 1], listed[i]];
    const descending = a.submittedAt > b.submittedAt || (a.submittedAt.getTime() === b.submittedAt.getTime() && a.runId > b.runId);
    if (!descending) throw new Error(`out of order at ${i}: ${a.runId} then ${b.runId}`);
  }
  expect((await store.list({ pageSize: 1 })).totalRuns).toBe(1200);
});

describe('tasks', () => {
  function task(taskId: string, seq: number, version: number, overrides: Partial<TaskRow> = {}): TaskRow {
    return {
      taskId,
      seq,
      version,
      name: `step ${taskId}`,
      state: version > 1 ? 'COMPLETE' : 'RUNNING',
      startTime: new Date(T0 + seq * 1000),
      ...(version > 1 ? { endTime: new Date(T0 + seq * 1000 + 500), exitCode: 0 } : {}),
      cmd: ['echo', taskId],
      stdout: `/runs/r/jobs/${taskId}/out.txt`,
      systemLogs: [],
      outputs: {},
      ...overrides,
    };
  }

  beforeEach(async () => {
    await store.project(projection('with-tasks', 2));
  });

  test('reported twice, or late: one row per task, never rolled back; its first seq stays', async () => {
    const done = task('a', 0, 2, { outputs: { greeting: 'hi' }, childRunId: 'run-child', parentTaskId: 'branch-1' });
    await store.projectTasks('with-tasks', [done]);
    await store.projectTasks('with-tasks', [done]);
    await store.projectTasks('with-tasks', [task('a', 0, 1, { name: 'stale' })]);
    await store.projectTasks('with-tasks', [task('a', 7, 2, { name: 'repeated version' })]);

    expect(await rowCount('tasks', 'with-tasks')).toBe(1);
    expect(await store.getTask('with-tasks', 'a')).toEqual(done);
    // A newer version updates all but the seq.
    const failed = task('a', 7, 3, { state: 'EXECUTOR_ERROR', exitCode: 2, systemLogs: ['failed'] });
    await store.projectTasks('with-tasks', [failed]);
    expect(await store.getTask('with-tasks', 'a')).toEqual({ ...failed, seq: 0 });
    expect(await store.getTask('with-tasks', 'b')).toBeUndefined();
    expect(await store.getTask('nothing', 'a')).toBeUndefined();
  });

  test('a batch that names a task twice keeps its newest report; dates may be ISO strings', async () => {
    await store.projectTasks('with-tasks', [task('a', 0, 2), task('a', 0, 1, { name: 'older' })]);
    expect((await store.getTask('with-tasks', 'a'))?.name).toBe('step a');
    await store.projectTasks('with-tasks', JSON.parse(JSON.stringify([task('b', 1, 2)])));
    expect(await store.getTask('with-tasks', 'b')).toEqual(task('b', 1, 2));
  });

  test('a NUL anywhere in a task is stored as U+FFFD', async () => {
    await store.projectTasks('with-tasks', [
      task('a', 0, 1, { name: 'a\u0000b', cmd: ['x\u0000'], systemLogs: ['\u0000'], outputs: { k: '\u0000' } }),
    ]);
    expect(await store.getTask('with-tasks', 'a')).toMatchObject({
      name: 'a\ufffdb',
      cmd: ['x\ufffd'],
      systemLogs: ['\ufffd'],
      outputs: { k: '\ufffd' },
    });
  });

  test('listed by seq (then id) in pages; a token we did not issue is refused', async () => {
    // Out of order, and two at one seq: the id breaks the tie.
    await store.projectTasks('with-tasks', [task('c', 2, 1), task('a', 0, 1), task('b2', 1, 1), task('b1', 1, 1), task('d', 3, 2)]);
    await store.project(projection('other', 1));
    await store.projectTasks('other', [task('z', 0, 1)]);

    const all = await store.listTasks('with-tasks', { pageSize: 10 });
    expect(all.tasks.map((t) => t.taskId)).toEqual(['a', 'b1', 'b2', 'c', 'd']);
    expect(all.nextPageToken).toBe('');

    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await store.listTasks('with-tasks', { pageSize: 2, pageToken });
      expect(page.tasks.length).toBeLessThanOrEqual(2);
      seen.push(...page.tasks.map((t) => t.taskId));
      pageToken = page.nextPageToken || undefined;
      // A task that arrives meanwhile, after the ones seen, is listed in its place.
      if (seen.length === 2) await store.projectTasks('with-tasks', [task('e', 4, 1)]);
    } while (pageToken);
    expect(seen).toEqual(['a', 'b1', 'b2', 'c', 'd', 'e']);
    expect(await store.listTasks('nothing', { pageSize: 10 })).toEqual({ tasks: [], nextPageToken: '' });

    const token = (value: string) => Buffer.from(value).toString('base64url');
    for (const pageToken of ['garbage!', token('[1]'), token('["1","a"]'), token('[1.5,"a"]'), token('[1,2]'), token('{}')]) {
      await expect(store.listTasks('with-tasks', { pageSize: 10, pageToken })).rejects.toThrow(InvalidPageTokenError);
    }
  });

  test("deleting a run deletes its tasks; a run's tasks need the run", async () => {
    await store.projectTasks('with-tasks', [task('a', 0, 1)]);
    expect(await store.delete('with-tasks')).toBe(true);
    expect(await rowCount('tasks', 'with-tasks')).toBe(0);
    await expect(store.projectTasks('never-projected', [task('a', 0, 1)])).rejects.toThrow(/foreign key/);
  });
});

describe('migrations', () => {
  const MIGRATIONS = ['InitialSchema1795307182168', 'Tasks1796152200000', 'ReadPath1797000000000'];

  test('run again, sequentially and concurrently, they find nothing to do', async () => {
    await (await openDatabase(postgres.url)).destroy();
    for (const again of await Promise.all([openDatabase(postgres.url), openDatabase(postgres.url)])) await again.destroy();
    expect(await db.query('SELECT name FROM migrations ORDER BY id')).toEqual(MIGRATIONS.map((name) => ({ name })));
  });

  test('on a fresh database, processes starting together migrate it once; down undoes up', async () => {
    const admin = new Client(postgres.url);
    await admin.connect();
    await admin.query('CREATE DATABASE migrations_race');
    await admin.end();
    const url = new URL(postgres.url);
    url.pathname = '/migrations_race';

    const [fresh, ...others] = await Promise.all([1, 2, 3].map(() => openDatabase(url.href)));
    try {
      expect(await fresh.query('SELECT name FROM migrations ORDER BY id')).toEqual(MIGRATIONS.map((name) => ({ name })));
      const tables = async () =>
        (
          await fresh.query(
            `SELECT to_regclass('runs') IS NOT NULL AS runs, to_regclass('transitions') IS NOT NULL AS transitions, to_regclass('tasks') IS NOT NULL AS tasks,
              to_regclass('run_counts') IS NOT NULL AS run_counts, to_regclass('runs_owner_idx') IS NOT NULL AS runs_owner_idx`,
          )
        )[0];
      expect(await tables()).toEqual({ runs: true, transitions: true, tasks: true, run_counts: true, runs_owner_idx: false });

      await fresh.undoLastMigration();
      expect(await tables()).toEqual({ runs: true, transitions: true, tasks: true, run_counts: false, runs_owner_idx: true });
      // Runs that were there before the counts: the migration counts them.
      const other = new PostgresRunStore(fresh);
      await other.project(projection('before-1', 2, { owner: 'alice' }));
      await other.project(projection('before-2', 3));
      expect(await migrate(fresh)).toEqual(['ReadPath1797000000000']);
      expect(await other.countByWesState()).toEqual({ RUNNING: 1, COMPLETE: 1 });
      expect((await other.list({ pageSize: 1, owner: 'alice' })).totalRuns).toBe(1);
      await other.delete('before-1');
      await other.delete('before-2');

      await fresh.undoLastMigration();
      await fresh.undoLastMigration();
      expect(await tables()).toEqual({ runs: true, transitions: true, tasks: false, run_counts: false, runs_owner_idx: true });
      await fresh.undoLastMigration();
      expect(await tables()).toEqual({ runs: false, transitions: false, tasks: false, run_counts: false, runs_owner_idx: false });
      expect(await migrate(fresh)).toEqual(MIGRATIONS);
      expect(await tables()).toEqual({ runs: true, transitions: true, tasks: true, run_counts: true, runs_owner_idx: false });
    } finally {
      for (const dataSource of [fresh, ...others]) await dataSource.destroy();
    }
  });

  test('the entities describe exactly the schema the migrations made', async () => {
    const { upQueries } = await db.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });
});
