/** The filters of GET /runs beyond WES 1.1: `state` and `tag` (spec PR 213), both repeatable. */
import type { WesState } from '../../../domain/wes-state';
import type { PageQuery } from '../core/pagination';

/** Checked against the document: known states, tags of the form `key:value`. */
export interface ListRunsQuery extends PageQuery {
  state?: WesState[];
  tag?: string[];
}

/** `tag=key:value`; a run must carry every tag given, so one key with two values matches none (null). */
export function tagFilter(pairs: string[] = []): Record<string, string> | null | undefined {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf(':');
    const [key, value] = [pair.slice(0, at), pair.slice(at + 1)];
    if (key in tags && tags[key] !== value) return null;
    tags[key] = value;
  }
  return pairs.length > 0 ? tags : undefined;
}
