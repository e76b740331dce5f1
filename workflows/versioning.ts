/**
 * What a run's history says about the code it began on (docs/design.md, "Versions of the run
 * workflow"), and where a continued run goes under Worker Deployment Versioning
 * (docs/deployment.md, "Deploying changes to the run workflow").
 */
import { makeContinueAsNewFunc, patched, workflowInfo, type ContinueAsNewOptions } from '@temporalio/workflow';
import { WORKFLOW_TYPES } from '../domain/workflow-types';

/** Gates the option: an execution recorded before it continued as new without it. */
export const UPGRADE_AT_CONTINUE_AS_NEW = 'upgrade-at-continue-as-new';

/** Whether this workflow is a run of the current type (wesRunV5), which only code of generation 6 on has run. */
export function isCurrentRunType(): boolean {
  return workflowInfo().workflowType === WORKFLOW_TYPES.run;
}

/**
 * `patched(change)` for a change made before wesRunV5: every run of that type had it from its start,
 * so its history needs no marker (nor the search-attribute upsert Temporal adds to one). A change
 * made later must use `patched()` itself.
 */
export function patchedBeforeV5(change: string): boolean {
  return isCurrentRunType() || patched(change);
}

/**
 * Continues as new with the workflow's own type and `input`, onto the current version when this
 * execution was pinned to another one. Runs are pinned to the version they started on; a run long
 * enough to continue as new starts its next execution on the deployment's current version instead,
 * so that an old version drains as its long runs reach that boundary, not only as they end. The next
 * execution is new code from its first event on: nothing is replayed across versions, but the
 * carried-over input (`continued`) must be one the newer build accepts.
 */
export function continueAsNewOnCurrentVersion(input: unknown): Promise<never> {
  const options: ContinueAsNewOptions = patchedBeforeV5(UPGRADE_AT_CONTINUE_AS_NEW) ? { initialVersioningBehavior: 'AUTO_UPGRADE' } : {};
  return makeContinueAsNewFunc<(input: unknown) => Promise<unknown>>(options)(input);
}
