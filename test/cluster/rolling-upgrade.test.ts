/**
 * A rolling upgrade of the cluster's workers with Worker Deployment Versioning (the scenario:
 * test/support/rolling-upgrade.ts): its own workers are version N, with runs in flight; three more
 * workers of N+1 join on the same two hosts (scripts/cluster.sh start worker-K, with the build id
 * the cluster records); N+1 is made current; N drains and its workers stop. The cluster is left
 * running N+1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerDeploymentVersion } from '../../src/config/config';
import { runRollingUpgrade, type VersionWorkers } from '../support/rolling-upgrade';
import { clusterDir, connectCluster, type Cluster } from './support/cluster';

const DEPLOYMENT = 'durable-wes';
const BUILD_ID_FILE = () => path.join(clusterDir(), 'build-id');

let cluster: Cluster;
beforeAll(async () => {
  cluster = await connectCluster();
});
// Unset when connecting failed, whatever its declared type says.
afterAll(() => (cluster as Cluster | undefined)?.close());

const workerNumber = (name: string) => Number(name.slice('worker-'.length));

/** The cluster's workers that run now, by number. */
async function runningWorkers(): Promise<string[]> {
  const names = [...(await cluster.alive()).keys()].filter((name) => name.startsWith('worker-'));
  return names.sort((a, b) => workerNumber(a) - workerNumber(b));
}

/** The workers of a version, named as histories name them: `<pid>@<host id>`. */
async function versionWorkers(names: string[]): Promise<VersionWorkers> {
  const alive = await cluster.alive();
  return {
    identities: names.map((name) => {
      const worker = alive.get(name);
      if (worker?.host === undefined) throw new Error(`${name} is not running on a host`);
      return `${worker.pid}@${worker.host}`;
    }),
    async stop() {
      for (const name of names) await cluster.control('stop', name);
    },
  };
}

test("the cluster's workers are upgraded under load: runs of N finish on N, new runs start on N+1, N drains", async () => {
  const current = readFileSync(BUILD_ID_FILE(), 'utf8').trim();
  const next = /^\d+$/.test(current) ? String(Number(current) + 1) : `${current}-next`;
  const oldNames = await runningWorkers();
  expect(oldNames.length).toBeGreaterThanOrEqual(3);
  const firstNew = workerNumber(oldNames.at(-1)!) + 1;
  const newNames = [firstNew, firstNew + 1, firstNew + 2].map((k) => `worker-${k}`);

  const startWorkers = async (version: WorkerDeploymentVersion): Promise<VersionWorkers> => {
    if (version.buildId === current) return versionWorkers(oldNames);
    writeFileSync(BUILD_ID_FILE(), `${version.buildId}\n`);
    for (const name of newNames) await cluster.control('start', name);
    return versionWorkers(newNames);
  };
  const report = await runRollingUpgrade({
    apiUrl: cluster.wesUrl,
    client: cluster.client,
    dataDir: cluster.dataDir,
    startWorkers,
    versions: [
      { deploymentName: DEPLOYMENT, buildId: current },
      { deploymentName: DEPLOYMENT, buildId: next },
    ],
    runsOfEachKind: 4,
    longRunMs: 30_000,
    timeoutMs: 5 * 60_000,
    reportName: 'cluster-rolling-upgrade',
  });
  expect(report.longRunsRunningAtSwitch).toBeGreaterThan(0);
  expect([...report.runsOn.values()].map((runIds) => runIds.length)).toEqual([16, 4]);

  // The scenario stops N+1 too once its runs ended; the cluster goes on with it.
  for (const name of newNames) await cluster.control('start', name);
});
