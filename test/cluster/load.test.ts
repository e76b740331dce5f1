/**
 * 500 simulated and 20 cwltool runs through the balancer, by concurrent clients: every run completes
 * once, the two API replicas shared the submissions, and the runs were worked on by several worker
 * processes on both hosts. Reports runs/s from the first POST to the last run ending.
 */
import { randomUUID } from 'node:crypto';
import { submitBurst } from '../chaos/support/idempotent-burst';
import { reportRecovery } from '../chaos/support/recovery-report';
import { untilAllEnded } from '../chaos/support/runs-ending';
import { sampleSum } from '../support/prometheus';
import { connectCluster, type Cluster } from './support/cluster';
import { expectEachOnce, mixedBody, workersOf } from './support/runs';

const SIMULATED = 500;
const CWL = 20;
const RUNS = SIMULATED + CWL;
const CLIENTS = 20;

let cluster: Cluster;
beforeAll(async () => {
  cluster = await connectCluster();
});
// Unset when connecting failed, whatever its declared type says.
afterAll(() => (cluster as Cluster | undefined)?.close());

/** POST /runs answered by one replica, from its own metrics. */
async function postsServedBy(replicaOrigin: string): Promise<number> {
  const metrics = await (await fetch(`${replicaOrigin}/metrics`)).text();
  return sampleSum(metrics, 'wes_http_request_duration_seconds_count', { method: 'POST' }) ?? 0;
}

test(`${SIMULATED} simulated and ${CWL} cwltool runs across the replicas: each completes once`, async () => {
  const burst = randomUUID();
  const tags = { cluster: `load-${burst}` };
  // Every 26th run a cwltool run: 20 of 520, spread through the burst.
  const keys = Array.from({ length: RUNS }, (_, i) => `load-${burst}-${i}`);
  const replicas = cluster.env.CLUSTER_API_REPLICAS.split(' ');
  const postsBefore = await Promise.all(replicas.map(postsServedBy));

  const started = Date.now();
  const acknowledged = await submitBurst({
    url: cluster.wesUrl,
    keys,
    clients: CLIENTS,
    body: mixedBody(tags, 1_000, RUNS / CWL),
    deadlineMs: 300_000,
  });
  const submittedMs = Date.now() - started;
  const { allEndedAt } = await untilAllEnded(
    cluster.http,
    acknowledged.map((s) => s.runId),
    600_000,
  );
  const seconds = (allEndedAt - started) / 1000;

  await expectEachOnce(cluster, tags, acknowledged, keys);
  const posts = (await Promise.all(replicas.map(postsServedBy))).map((after, i) => after - postsBefore[i]);
  for (const served of posts) expect(served).toBeGreaterThan(0);

  const cwlRuns = acknowledged.filter((s) => Number(s.key.slice(s.key.lastIndexOf('-') + 1)) % (RUNS / CWL) === RUNS / CWL - 1);
  expect(cwlRuns).toHaveLength(CWL);
  const workers = new Set<string>();
  for (const { runId } of cwlRuns) for (const worker of await workersOf(cluster, runId)) workers.add(worker);
  const hosts = new Set([...workers].map((worker) => worker.slice(worker.indexOf('@') + 1)));
  expect([...hosts].sort()).toEqual(['cluster-a', 'cluster-b']);
  expect(workers.size).toBeGreaterThanOrEqual(3);

  reportRecovery('cluster-load', {
    runs: RUNS,
    clients: CLIENTS,
    submitted_ms: submittedMs,
    all_ended_ms: allEndedAt - started,
    runs_per_s: Math.round((RUNS / seconds) * 100) / 100,
    posts_per_replica: posts.join(' '),
    worker_processes_seen: workers.size,
  });
});
