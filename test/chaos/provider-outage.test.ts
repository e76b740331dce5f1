/**
 * Chaos: a provider that cannot be reached for a long while. A durable-wes ("front") runs its runs
 * on another real durable-wes API ("back") with the `wes` provider, through a TCP proxy that is cut
 * (nothing listens, open connections dropped) for the outage and then restored on the same port.
 * The outage is longer than the provider's retries and backoff (CI: 25 s; CHAOS_SCALE=full: 10
 * minutes): the runs wait RUNNING, saying in their logs that the provider is unreachable, and never
 * fail; once it is back they complete, each submitted to the back once. Reports restore → first run
 * complete → all complete (.cache/chaos/provider-outage.json).
 */
import type { AddressInfo } from 'node:net';
import { parseProvidersConfig } from '../../activities/providers/config';
import { RUN_ID_TAG } from '../../activities/run-tags';
import { API, createApiHarness, waitForState, type ApiHarness } from '../support/api-harness';
import { simulatedRun, submitRun } from '../support/submit-run';
import { RECOVERY_BOUND_MS, reportServerRecovery, scaled } from './support/chaos-servers';
import { expectRecordedOnce, submissions } from './support/exactly-once';
import { startFlakyUpstream, type FlakyUpstream } from './support/flaky-upstream';
import { untilAllEnded } from './support/runs-ending';

const OUTAGE_MS = scaled(25_000, 600_000);

let back: ApiHarness | undefined;
let upstream: FlakyUpstream | undefined;
let front: ApiHarness | undefined;

beforeAll(async () => {
  back = await createApiHarness();
  await back.app.listen(0, '127.0.0.1');
  upstream = await startFlakyUpstream((back.app.getHttpServer().address() as AddressInfo).port);
  front = await createApiHarness({
    providers: parseProvidersConfig(
      {
        default: 'back',
        providers: {
          back: { kind: 'wes', baseUrl: `http://127.0.0.1:${upstream.port}${API}`, pollIntervalMs: 200, requestTimeoutMs: 2_000 },
        },
      },
      'the front',
    ),
  });
}, 120_000);

afterAll(async () => {
  await front?.stop();
  await upstream?.stop();
  await back?.stop();
});

/** The back's runs that carry out a front run, found by the tag the wes provider sets; asked of the back directly. */
async function backRunsOf(frontRunId: string): Promise<Array<{ run_id: string; state: string }>> {
  return (await back!.http.get(`${API}/runs?tag=${RUN_ID_TAG}:${frontRunId}`).expect(200)).body.runs;
}

test(
  'runs wait through an outage of their provider, then complete, each submitted once',
  async () => {
    const { http } = front!;
    // One ends at the back during the outage, the other after it.
    const runIds: string[] = [];
    for (const durationMs of [OUTAGE_MS / 2, OUTAGE_MS + 10_000])
      runIds.push(await submitRun(http, simulatedRun({ duration_ms: durationMs })));
    for (const runId of runIds) expect(await waitForState(http, runId, (state) => state === 'RUNNING')).toBe('RUNNING');

    const cutAt = Date.now();
    await upstream!.cut();
    const seen = new Set<string>();
    while (Date.now() < cutAt + OUTAGE_MS) {
      for (const runId of runIds) seen.add((await http.get(`${API}/runs/${runId}/status`).expect(200)).body.state);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect([...seen]).toEqual(['RUNNING']);
    for (const runId of runIds) {
      const { body } = await http.get(`${API}/runs/${runId}`).expect(200);
      // Logged once, with the first failure: a poll cut off in flight, or refused.
      expect(body.run_log.system_logs).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/provider 'back' unreachable, still polling: provider 'back' status: wes: GET \S+ failed/),
        ]),
      );
    }

    // Meanwhile the back went on: the first run has ended there, the second not yet.
    expect((await backRunsOf(runIds[0])).map((run) => run.state)).toEqual(['COMPLETE']);
    expect((await backRunsOf(runIds[1])).map((run) => run.state)).toEqual(['RUNNING']);

    const restoredAt = Date.now();
    await upstream!.restore();
    // The second run ends at the back 10 s after the outage.
    const { firstEndedAt, allEndedAt } = await untilAllEnded(http, runIds, RECOVERY_BOUND_MS + 10_000);

    for (const runId of runIds) {
      expect(await waitForState(http, runId)).toBe('COMPLETE');
      const { body } = await http.get(`${API}/runs/${runId}`).expect(200);
      expect(body.run_log.system_logs).toEqual(expect.arrayContaining([expect.stringMatching(/provider 'back' reachable again$/)]));
      await expectRecordedOnce(front!, runId);
      // The back ran it once: one run carries the front's run id, and it was submitted once.
      const runs = await backRunsOf(runId);
      expect(runs).toEqual([expect.objectContaining({ state: 'COMPLETE' })]);
      expect(submissions(back!.harness.dataDir, runs[0].run_id)).toBe(1);
    }
    // The first run had ended at the back during the outage: how soon the front noticed is the recovery.
    expect(firstEndedAt! - restoredAt).toBeLessThan(RECOVERY_BOUND_MS);

    reportServerRecovery('provider-outage', firstEndedAt! - restoredAt, {
      runs: runIds.length,
      outage_ms: restoredAt - cutAt,
      restore_to_first_complete_ms: firstEndedAt! - restoredAt,
      restore_to_all_complete_ms: allEndedAt - restoredAt,
    });
  },
  scaled(240_000, 1_200_000),
);
