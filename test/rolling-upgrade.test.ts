/**
 * A rolling upgrade with Worker Deployment Versioning on the dev server: production worker
 * processes (src/worker.ts) of version N with runs in flight, then of N+1, N drained and stopped
 * (the scenario: test/support/rolling-upgrade.ts). Both versions run today's code: what is proved
 * is where each run's workflow tasks and activities went, which the histories record.
 */
import type { AddressInfo } from 'node:net';
import { createApiHarness, type ApiHarness } from './support/api-harness';
import { runRollingUpgrade, type VersionWorkers } from './support/rolling-upgrade';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';
import { EXAMPLES, TEST_PROVIDERS } from './support/harness';
import type { WorkerDeploymentVersion } from '../src/config/config';
import { setCurrentVersion } from '../src/deployments/deployment-versions';

const HOST_ID = 'upgrade-host';

let api: ApiHarness;
let apiUrl: string;
const processes: WorkerProcess[] = [];

beforeAll(async () => {
  api = await createApiHarness({}, { startWorker: false });
  await api.app.listen(0, '127.0.0.1');
  apiUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}/ga4gh/wes/v1`;
});

afterAll(async () => {
  for (const worker of processes) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await api.stop();
});

/** One worker process of `version`; both versions on the same host, as a rolling upgrade in place. */
async function startWorkers(version: WorkerDeploymentVersion): Promise<VersionWorkers> {
  const worker = await startWorkerProcess({
    // The simulated provider polled every 20 ms: the busy runs continue as new within seconds.
    WES_PROVIDERS: JSON.stringify(TEST_PROVIDERS),
    WES_WORKFLOW_ROOTS: EXAMPLES,
    WES_TASK_QUEUE: api.harness.taskQueue,
    WES_DATA_DIR: api.harness.dataDir,
    WES_HOST_ID: HOST_ID,
    WES_WORKER_METRICS_PORT: 'off',
    WES_DEPLOYMENT_NAME: version.deploymentName,
    WES_BUILD_ID: version.buildId,
    WORKFLOW_BUNDLE_PATH: process.env.WORKFLOW_BUNDLE_PATH!,
  });
  processes.push(worker);
  return {
    identities: [`${worker.child.pid!}@${HOST_ID}`],
    async stop() {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    },
  };
}

test('runs in flight on version N complete on N while new runs start on N+1; N drains and stops', async () => {
  const report = await runRollingUpgrade({
    apiUrl,
    client: api.harness.client,
    dataDir: api.harness.dataDir,
    startWorkers,
    runsOfEachKind: 4,
    longRunMs: 20_000,
    timeoutMs: 90_000,
  });
  // The long runs were still at their provider when the version changed: followed across it.
  expect(report.longRunsRunningAtSwitch).toBeGreaterThan(0);
  expect([...report.runsOn.values()].map((runIds) => runIds.length)).toEqual([16, 4]);
  // The busy ones continued as new while the version changed; a 1.29 server keeps them on N.
  expect(report.continuingExecutions).toBeGreaterThan(4);
}, 240_000);

test("a version no worker polls is refused as current, within the bound, with the server's answer", async () => {
  const nobody = { deploymentName: 'durable-wes-nobody', buildId: 'v1' };
  await expect(setCurrentVersion(api.harness.client, nobody, 2_000)).rejects.toThrow(
    /durable-wes-nobody:v1 is the current version; the server's last answer: .+/,
  );
});
