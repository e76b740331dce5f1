/**
 * The tags that mean something to durable-wes itself, and the tags a run's backend is given.
 */
import type { WesRunRequest } from '../domain/run-types';

/** The tag a client may set to pick a provider without any API extension. */
export const PROVIDER_TAG = 'wes_provider';
/** The tag that holds a run in PAUSED after preparation until it is resumed. */
export const REQUIRE_APPROVAL_TAG = 'wes_require_approval';
/** The tag that names the durable-wes run a backend's run was started for. */
export const RUN_ID_TAG = 'durable_wes_run_id';

/**
 * Tags that mean something to this durable-wes only, never forwarded: the provider choice names a
 * provider of ours, and approval was already given here (forwarded, a durable-wes backend would
 * hold the run again).
 */
const LOCAL_TAGS: readonly string[] = [PROVIDER_TAG, REQUIRE_APPROVAL_TAG];

/**
 * The tags a backend's run is given: the request's but ours, and the run id, last so that no tag of
 * the request overrides it. A run started without the API (a test, an older client of the
 * workflow) may carry tags that are not strings: they are left out rather than sent as what they are not.
 */
export function forwardedTags(request: WesRunRequest, runId: string): Record<string, string> {
  const tags = Object.entries(request.tags ?? {}).filter(([key, value]) => typeof value === 'string' && !LOCAL_TAGS.includes(key));
  return { ...Object.fromEntries(tags), [RUN_ID_TAG]: runId };
}
