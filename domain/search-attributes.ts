/**
 * Search attributes the run and task workflows upsert on every transition, so that the Temporal UI
 * can filter runs (a task's WesProvider: the provider of its latest child run, workflows/run-publisher.ts);
 * and WesSummary, set once at the start, the run's summary as a column of the UI's workflow list
 * (domain/run-story.ts). temporal-dev.sh and the test server register exactly these.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const WesStateKey = defineSearchAttributeKey('WesState', SearchAttributeType.KEYWORD);
export const WesWorkflowTypeKey = defineSearchAttributeKey('WesWorkflowType', SearchAttributeType.KEYWORD);
export const WesProviderKey = defineSearchAttributeKey('WesProvider', SearchAttributeType.KEYWORD);
export const WesOwnerKey = defineSearchAttributeKey('WesOwner', SearchAttributeType.KEYWORD);
export const WesSummaryKey = defineSearchAttributeKey('WesSummary', SearchAttributeType.KEYWORD);

/** The attributes searchAttributesOf gives, in its order: what a run's workflow keeps up to date. */
export const RUN_STATE_KEYS = [WesStateKey, WesWorkflowTypeKey, WesProviderKey, WesOwnerKey];

export const SEARCH_ATTRIBUTE_KEYS = [...RUN_STATE_KEYS, WesSummaryKey];

export interface ShownRun {
  wesState: string;
  workflowType: string;
  provider?: string;
  owner?: string;
}

/**
 * A run's search attributes: what its workflow upserts, and what the API starts it with (QUEUED),
 * so that its first workflow task has nothing to upsert.
 */
export function searchAttributesOf({ wesState, workflowType, provider, owner }: ShownRun): SearchAttributePair[] {
  return [
    { key: WesStateKey, value: wesState },
    { key: WesWorkflowTypeKey, value: workflowType },
    ...(provider ? [{ key: WesProviderKey, value: provider }] : []),
    ...(owner ? [{ key: WesOwnerKey, value: owner }] : []),
  ];
}
