/**
 * Chaos: SIGKILL of PostgreSQL's postmaster (a crash, not a shutdown) while runs are in flight. The
 * read model is an embedded PostgreSQL of the test's own under an API and a worker. While it is dead
 * the API answers reads with a 503 ErrorResponse and /readyz with 503, and still starts runs; once it
 * is started again on the same port and data, the read model catches up: every run's row reaches
 * its terminal state, with every transition once, as Temporal recorded it. Reports restart → first
 * row terminal → all terminal (.cache/chaos/postgres-kill.json). The runs' histories hold no timer:
 * a projection that outlasts its local attempts is retried by the server.
 */
import { API, createApiHarness, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { simulatedRun, submitRun } from '../support/submit-run';
import { RECOVERY_BOUND_MS, reportServerRecovery, scaled, until } from './support/chaos-servers';
import { startDedicatedPostgres, type DedicatedPostgres } from './support/dedicated-postgres';
import { expectRecordedOnce, submissions } from './support/exactly-once';
import { submitted, untilAllEnded } from './support/runs-ending';

const RUNS = scaled(6, 40);
/** How long the database stays dead. */
const DOWN_MS = scaled(8_000, 120_000);

let postgres: DedicatedPostgres | undefined;
let api: ApiHarness | undefined;

beforeAll(async () => {
  postgres = await startDedicatedPostgres();
  // Jest gives each test file its own process.env: the harness's API and worker use this database.
  process.env.DATABASE_URL = postgres.url;
  api = await createApiHarness();
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await postgres?.stop();
});

const simulated = (durationMs: number) => simulatedRun({ duration_ms: durationMs });

test(
  'the read model catches up on every run after PostgreSQL is killed and restarted',
  async () => {
    const { http, harness } = api!;
    const runIds: string[] = [];
    // Staggered: most end while the database is down, the last few seconds after it is back, so that
    // the time to see them all ended is the recovery's, not the runs' own.
    for (let i = 0; i < RUNS; i++) runIds.push(await submitRun(http, simulated(5_000 + (i * (DOWN_MS + 5_000)) / RUNS)));
    for (const runId of runIds) await waitForState(http, runId, submitted);

    const killedAt = Date.now();
    expect(await postgres!.kill()).toEqual({ code: null, signal: 'SIGKILL' });

    const unavailable = { msg: expect.stringMatching(/^the database is unavailable/), status_code: 503 };
    const read = await eventually(
      () => http.get(`${API}/runs/${runIds[0]}`),
      (response) => response.status !== 200,
      { what: 'a read to fail' },
    );
    expect({ status: read.status, body: read.body }).toEqual({ status: 503, body: unavailable });
    expect((await http.get(`${API}/runs`).expect(503)).body).toEqual(unavailable);
    expect((await http.get(`${API}/runs/${runIds[0]}/transitions`).expect(503)).body).toEqual(unavailable);
    const ready = await http.get('/readyz').expect(503);
    expect(ready.body).toMatchObject({ msg: 'not ready: database down', status_code: 503, error: { database: { status: 'down' } } });
    // A run accepted meanwhile: its row is the workflow's to write once the database is back.
    runIds.push(await submitRun(http, simulated(1_000)));
    await until(killedAt + DOWN_MS);

    const restartedAt = Date.now();
    await postgres!.restart();
    const upAt = Date.now();

    // The API's pool drops the dead connections and opens new ones: ready again at once.
    const apiReady = eventually(
      () => http.get('/readyz'),
      (response) => response.status === 200,
      { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 100, what: '/readyz to answer 200' },
    ).then(() => Date.now());
    const [{ firstEndedAt, allEndedAt }, apiReadyAt] = await Promise.all([untilAllEnded(http, runIds, RECOVERY_BOUND_MS), apiReady]);
    for (const runId of runIds) {
      expect(await waitForState(http, runId)).toBe('COMPLETE');
      expect({ runId, submissions: submissions(harness.dataDir, runId) }).toEqual({ runId, submissions: 1 });
      await expectRecordedOnce(api!, runId);
    }
    // Past its first local attempts a projection waits on the server's retries, not on workflow
    // timers: however long the database is away, the history keeps its size.
    const histories = await Promise.all(runIds.map((runId) => harness.client.workflow.getHandle(runId).fetchHistory()));
    const events = histories.flatMap((history) => history.events ?? []);
    expect(events.filter((event) => event.timerStartedEventAttributes)).toEqual([]);
    expect(
      events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'projectRun').length,
    ).toBeGreaterThan(0);

    reportServerRecovery('postgres-kill', allEndedAt - restartedAt, {
      runs: runIds.length,
      down_ms: restartedAt - killedAt,
      restart_to_accepting_ms: upAt - restartedAt,
      restart_to_api_ready_ms: apiReadyAt - restartedAt,
      restart_to_first_terminal_row_ms: firstEndedAt! - restartedAt,
      restart_to_all_terminal_ms: allEndedAt - restartedAt,
    });
  },
  scaled(240_000, 900_000),
);
