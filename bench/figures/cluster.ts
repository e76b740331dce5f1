/**
 * Figure 9 (run only when named: `npm run bench -- cluster`): simulated zero-duration runs, POST to
 * COMPLETE, through the balancer of the cluster scripts/cluster.sh brings up (Temporal's services
 * as separate processes on PostgreSQL, two API replicas, three workers), against the single
 * product on the dev server (`npm start`), both on this machine and alive throughout. Closed loops
 * of 10 and 50 clients, windows interleaved ABBA.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Failures, type Figure } from '../lib/figure';
import { openWorkflows, waitForQuiet } from '../lib/quiet';
import { measure } from '../lib/report';
import { abba, closedLoop, type Window } from '../lib/schedule';
import { median, round } from '../lib/stats';
import { REPO_ROOT } from '../lib/temporal-dev';
import { simulatedRun, WesClient } from '../lib/wes-client';
import { readEnvFile } from '../../test/cluster/support/cluster';

const CLIENT_COUNTS = [10, 50];
const RAMP_MS = 3_000;
/** As figure 1: each client asks after its run every 50 ms. */
const POLL_MS = 50;
const CLUSTER_DIR = path.join(REPO_ROOT, '.cache', 'bench-cluster');
const UP_TIMEOUT_MS = 45 * 60_000;

interface Side {
  name: 'cluster' | 'single';
  wes: WesClient;
  temporal: Client;
}

function clusterScript(...args: string[]): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/cluster.sh'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DURABLE_WES_CLUSTER_DIR: CLUSTER_DIR },
    stdio: 'inherit',
    timeout: UP_TIMEOUT_MS,
  });
}

export const cluster: Figure = {
  name: 'cluster',
  title: 'A Temporal cluster on PostgreSQL against the single dev server',
  async run(context) {
    // A fresh cluster: runs left by an earlier bench would be counted as open workflows.
    clusterScript('down', '--purge');
    clusterScript('up');
    const addresses = readEnvFile(path.join(CLUSTER_DIR, 'cluster.env'));
    const connection = await Connection.connect({ address: addresses.TEMPORAL_ADDRESS });
    try {
      const sides: Side[] = [
        { name: 'cluster', wes: new WesClient(addresses.WES_URL), temporal: new Client({ connection }) },
        { name: 'single', wes: context.wes, temporal: context.temporal },
      ];
      return await measureBoth(sides, context.quick ? { windowMs: 3_000, pairs: 1 } : { windowMs: 10_000, pairs: 3 });
    } finally {
      await connection.close();
      clusterScript('down', '--purge');
    }
  },
};

async function measureBoth([clusterSide, singleSide]: Side[], { windowMs, pairs }: { windowMs: number; pairs: number }) {
  const failures = new Failures();
  const open: Record<string, number> = {};
  for (const side of [clusterSide, singleSide]) open[side.name] = await openWorkflows(side.temporal);
  const once = (side: Side) => async () => {
    try {
      const sample = await side.wes.run(simulatedRun(0), POLL_MS);
      if (sample.state !== 'COMPLETE') failures.add(`${side.name}: ${sample.runId} ended ${sample.state}`);
      return sample.state === 'COMPLETE';
    } catch (err) {
      failures.add(`${side.name}: ${(err as Error).message}`);
      return false;
    }
  };
  const windows: Array<{ side: string; clients: number } & Window> = [];
  for (const clients of CLIENT_COUNTS) {
    // Unmeasured: connections, caches and JIT warmed on both sides alike.
    for (const side of [clusterSide, singleSide]) await closedLoop(clients, 0, 2_000, once(side));
    for (const side of abba(pairs, clusterSide, singleSide)) {
      await waitForQuiet(side.temporal, open[side.name]);
      const window = await closedLoop(clients, RAMP_MS, windowMs, once(side));
      windows.push({ side: side.name, clients, ...window, completed: round(window.completed, 2), perSecond: round(window.perSecond, 2) });
    }
  }
  const perSecond = (side: string, clients: number) =>
    median(windows.filter((w) => w.side === side && w.clients === clients).map((w) => w.perSecond));
  return {
    measures: CLIENT_COUNTS.map((clients) =>
      measure({
        name: `cluster runs/s, ${clients} clients closed loop (median of ${pairs} windows of ${windowMs / 1000} s)`,
        unit: 'runs/s',
        value: round(perSecond('cluster', clients), 2),
        baseline: { name: 'single product on the dev server (npm start), runs/s', value: round(perSecond('single', clients), 2) },
      }),
    ),
    failures: failures.all,
    details: { client_counts: CLIENT_COUNTS, ramp_ms: RAMP_MS, window_ms: windowMs, poll_ms: POLL_MS, windows },
  };
}
