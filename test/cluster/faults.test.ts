/**
 * kill -9 of one process of each kind while runs are in flight (a history service, a matching
 * service, an API replica, a worker), during a burst of idempotent submissions through the
 * balancer. The killed process stays down until every run has ended, then comes back. Nothing is
 * lost or run twice. Reports recovery: from the kill to a run submitted just after it completing,
 * and to every run of the burst ended.
 */
import { randomUUID } from 'node:crypto';
import { postRun, submitBurst } from '../chaos/support/idempotent-burst';
import { reportRecovery } from '../chaos/support/recovery-report';
import { untilAllEnded } from '../chaos/support/runs-ending';
import { waitForState } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { connectCluster, type Cluster } from './support/cluster';
import { expectEachOnce, mixedBody, simulatedRun } from './support/runs';

const RUNS = 80;
const CLIENTS = 10;
/** Every 20th run a cwltool run: 4 a burst. */
const CWL_EVERY = 20;
/** A failure condition, not a target: the scenarios report their times. */
const ALL_ENDED_WITHIN_MS = 300_000;

const FAULTS = [
  { name: 'history-1', kind: 'a history service (its shards move to history-2)' },
  { name: 'matching-1', kind: 'a matching service (its task queues move to matching-2)' },
  { name: 'api-1', kind: 'an API replica (the balancer sends clients to api-2)' },
  { name: 'a worker', kind: 'of host cluster-b (its other worker goes on)' },
];

let cluster: Cluster;
beforeAll(async () => {
  cluster = await connectCluster();
});
// Unset when connecting failed, whatever its declared type says.
afterAll(() => (cluster as Cluster | undefined)?.close());

/**
 * The process to kill: `name`, or for a worker the last one running on host cluster-b beside
 * another (which ones run changes with the rolling upgrade's suite).
 */
async function victim(name: string): Promise<string> {
  if (name !== 'a worker') return name;
  const hostB = [...(await cluster.alive())].filter(([, { host }]) => host === 'cluster-b').map(([process]) => process);
  expect(hostB.length).toBeGreaterThanOrEqual(2);
  return hostB.at(-1)!;
}

/** A zero-length run submitted (retried until acknowledged) and followed to its end. */
async function probe(tags: Record<string, string>): Promise<{ key: string; runId: string }> {
  const key = `probe-${randomUUID()}`;
  const body = { ...simulatedRun(0), tags: { ...tags, key, wes_provider: 'simulated' } };
  const runId = await eventually(
    () => postRun(cluster.wesUrl, key, body),
    (id) => id !== undefined,
    {
      timeoutMs: ALL_ENDED_WITHIN_MS,
      intervalMs: 200,
      what: 'the probe run to be acknowledged',
    },
  );
  await waitForState(cluster.http, runId!, undefined, ALL_ENDED_WITHIN_MS);
  return { key, runId: runId! };
}

test.each(FAULTS)('kill -9 of $name, $kind, while runs are in flight: none lost, none twice', async (fault) => {
  const name = await victim(fault.name);
  const burst = randomUUID();
  const tags = { cluster: `${name}-${burst}` };
  const keys = Array.from({ length: RUNS }, (_, i) => `${name}-${burst}-${i}`);
  const pidBefore = (await cluster.alive()).get(name)?.pid;
  expect(pidBefore).toBeDefined();
  let killedAt = 0;
  let probed: Promise<{ key: string; runId: string; endedAt: number }> | undefined;
  const acknowledged = await submitBurst({
    url: cluster.wesUrl,
    keys,
    clients: CLIENTS,
    body: mixedBody(tags, 3_000, CWL_EVERY),
    onAck: (count) => {
      if (probed || count < RUNS / 2) return;
      killedAt = Date.now();
      probed = cluster.control('kill', name).then(async () => ({ ...(await probe(tags)), endedAt: Date.now() }));
      // Awaited after the burst; until then a failure must not count as unhandled.
      probed.catch(() => undefined);
    },
    deadlineMs: ALL_ENDED_WITHIN_MS,
  });
  const probeRun = await probed!;
  const { allEndedAt } = await untilAllEnded(
    cluster.http,
    acknowledged.map((s) => s.runId),
    ALL_ENDED_WITHIN_MS - (Date.now() - killedAt),
  );

  // Down all along: the runs ended without it.
  expect((await cluster.alive()).has(name)).toBe(false);
  const restarting = Date.now();
  await cluster.control('start', name);
  const restartMs = Date.now() - restarting;
  const pidAfter = (await cluster.alive()).get(name)?.pid;
  expect(pidAfter).toBeDefined();
  expect(pidAfter).not.toBe(pidBefore);

  await expectEachOnce(cluster, tags, [...acknowledged, { ...probeRun, attempts: 1 }], [...keys, probeRun.key]);
  reportRecovery(`cluster-kill-${fault.name === name ? name : 'worker'}`, {
    process: name,
    runs: RUNS,
    clients: CLIENTS,
    retried_submissions: acknowledged.filter((s) => s.attempts > 1).length,
    new_run_completed_after_kill_ms: probeRun.endedAt - killedAt,
    all_ended_after_kill_ms: allEndedAt - killedAt,
    restart_ms: restartMs,
  });
});
