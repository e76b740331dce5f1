/**
 * Where a continued run goes under Worker Deployment Versioning (docs/deployment.md, "Deploying
 * changes to the run workflow"). Runs are pinned to the version they started on; a run long enough
 * to continue as new starts its next execution on the deployment's current version instead, so that
 * an old version drains as its long runs reach that boundary, not only as they end. The next
 * execution is new code from its first event on: nothing is replayed across versions, but the
 * carried-over input (`continued`) must be one the newer build accepts.
 */
import { makeContinueAsNewFunc, patched, type ContinueAsNewOptions } from '@temporalio/workflow';

/** Gates the option: an execution recorded before it continued as new without it. */
export const UPGRADE_AT_CONTINUE_AS_NEW = 'upgrade-at-continue-as-new';

/**
 * Continues as new with the workflow's own type and `input`, onto the current version when this
 * execution was pinned to another one.
 */
export function continueAsNewOnCurrentVersion(input: unknown): Promise<never> {
  const options: ContinueAsNewOptions = patched(UPGRADE_AT_CONTINUE_AS_NEW) ? { initialVersioningBehavior: 'AUTO_UPGRADE' } : {};
  return makeContinueAsNewFunc<(input: unknown) => Promise<unknown>>(options)(input);
}
