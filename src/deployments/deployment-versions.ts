/**
 * What an operator does to a Worker Deployment during an upgrade (docs/deployment.md, "Deploying
 * changes to the run workflow"): make a version current, and follow the old one until it has no
 * open run left. The same as `temporal worker deployment set-current-version` and
 * `describe-version`, for the scenarios that drive an upgrade from code.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { WorkerDeploymentVersion } from '../config/config';
import { waitReady } from '../processes/wait-ready';

const { VersionDrainageStatus, RoutingConfigUpdateState } = temporal.api.enums.v1;

export type Drainage = 'draining' | 'drained' | 'none';

export interface DrainageInfo {
  /** 'none' while the version is current or ramping, or was never either. */
  status: Drainage;
  /** When the server last looked for open runs pinned to the version. */
  lastCheckedAt?: Date;
}

export const versionName = (version: WorkerDeploymentVersion): string => `${version.deploymentName}:${version.buildId}`;

/** Never exits: what waitReady needs of a check that is no process. */
const forever = new Promise<never>(() => undefined);

/**
 * Asks until it has succeeded, for at most `timeoutMs`; fails with the server's last answer. The
 * asking is needed at first: a version exists once the server has seen its workers poll, and is
 * refused as current until it polls every task queue the current version polls.
 */
async function retried(what: string, timeoutMs: number, attempt: () => Promise<boolean>): Promise<void> {
  let lastError: unknown;
  const passes = () =>
    attempt().then(
      (done) => done,
      (err: unknown) => ((lastError = err), false),
    );
  try {
    await waitReady({ what, passes, timeoutMs, intervalMs: 500 }, forever);
  } catch (err) {
    const cause = lastError instanceof Error ? `; the server's last answer: ${lastError.message}` : '';
    throw new Error(`${(err as Error).message}${cause}`);
  }
}

const timestamp = (value: { seconds?: unknown; nanos?: number | null } | null | undefined): Date | undefined =>
  value?.seconds === undefined || value.seconds === null ? undefined : new Date(Number(value.seconds) * 1000 + (value.nanos ?? 0) / 1e6);

/**
 * Makes `version` the current version of its deployment: new runs start on it, and runs pinned to
 * another version stay there. Returns once task queues route by it (a 1.30 server propagates the
 * routing after answering; older ones before).
 */
export async function setCurrentVersion(client: Client, version: WorkerDeploymentVersion, timeoutMs = 60_000): Promise<void> {
  const namespace = client.options.namespace;
  const service = client.workflowService;
  await retried(`${versionName(version)} is the current version`, timeoutMs, async () => {
    await service.setWorkerDeploymentCurrentVersion({
      namespace,
      deploymentName: version.deploymentName,
      buildId: version.buildId,
      identity: 'durable-wes',
    });
    const { workerDeploymentInfo: info } = await service.describeWorkerDeployment({ namespace, deploymentName: version.deploymentName });
    const current = info?.routingConfig?.currentDeploymentVersion;
    const routing = info?.routingConfigUpdateState ?? RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_UNSPECIFIED;
    return current?.buildId === version.buildId && routing !== RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS;
  });
}

/** Whether runs pinned to `version` are still open, as the server last computed it. */
export async function describeDrainage(client: Client, version: WorkerDeploymentVersion): Promise<DrainageInfo> {
  const { workerDeploymentVersionInfo: info } = await client.workflowService.describeWorkerDeploymentVersion({
    namespace: client.options.namespace,
    deploymentVersion: version,
  });
  const drainage = info?.drainageInfo;
  const status =
    drainage?.status === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED
      ? 'drained'
      : drainage?.status === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING
        ? 'draining'
        : 'none';
  return { status, lastCheckedAt: timestamp(drainage?.lastCheckedTime) };
}

/**
 * Resolves once the server reports `version` drained: no longer current, and no open run pinned to
 * it. The server checks every `matching.wv.VersionDrainageStatusRefreshInterval`, and only after
 * `matching.wv.VersionDrainageStatusVisibilityGracePeriod` has passed since the version stopped
 * being current (3 minutes each by default).
 */
export async function waitUntilDrained(client: Client, version: WorkerDeploymentVersion, timeoutMs = 10 * 60_000): Promise<void> {
  await retried(
    `${versionName(version)} is drained`,
    timeoutMs,
    async () => (await describeDrainage(client, version)).status === 'drained',
  );
}
