/**
 * Search attributes the run and task workflows upsert on every transition, so that the Temporal UI
 * can filter runs (a task's WesProvider: the provider of its latest child run, workflows/run-publisher.ts);
 * and WesSummary, set once at the start, the run's summary as a column of the UI's workflow list
 * (domain/run-story.ts). temporal-dev.sh and the test server register exactly these.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const WesStateKey = defineSearchAttributeKey('WesState', SearchAttributeType.KEYWORD);
export const WesWorkflowTypeKey = defineSearchAttributeKey('WesWorkflowType', SearchAttributeType.KEYWORD);
export const WesProviderKey = defineSearchAttributeKey('WesProvider', SearchAttributeType.KEYWORD);
export const WesOwnerKey = defineSearchAttributeKey('WesOwner', SearchAttributeType.KEYWORD);
export const WesSummaryKey = defineSearchAttributeKey('WesSummary', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [WesStateKey, WesWorkflowTypeKey, WesProviderKey, WesOwnerKey, WesSummaryKey];
