/**
 * How the workers of one process join a Worker Deployment Version (docs/deployment.md, "Deploying
 * changes to the run workflow"): every worker of the process, the run worker and the activity-only
 * workers of the provider and host queues alike, so that a pinned run's activities are dispatched
 * to workers of its own version for as long as that version has pollers on their queues.
 */
import type { WorkerOptions } from '@temporalio/worker';
import type { WorkerDeploymentVersion } from '../config/config';

/**
 * PINNED: a run stays on the build it started on until it ends, so no history is ever replayed
 * against code it was not started with. Runs live up to 30 days and mostly wait, and an
 * auto-upgrading run would replay on the new build at its next task, making every change a
 * patched() one. Long runs move at their continue-as-new boundary instead (workflows/versioning.ts).
 */
export const RUN_VERSIONING_BEHAVIOR = 'PINNED';

/** The workers' options for `version`; unversioned workers (as before versioning) without one. */
export function workerDeploymentOptions(version: WorkerDeploymentVersion | undefined): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!version) return {};
  return { workerDeploymentOptions: { useWorkerVersioning: true, version, defaultVersioningBehavior: RUN_VERSIONING_BEHAVIOR } };
}
