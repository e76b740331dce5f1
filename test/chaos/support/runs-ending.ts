/** Follows runs through the API until every one has ended, noting when the first and the last did. */
import { isTerminalWesState } from '../../../domain/wes-state';
import { API, type Http } from '../../support/api-harness';
import { eventually } from '../../support/eventually';

export interface Ending {
  /** When the first run not in `endedBefore` was seen ended (undefined if all were in it). */
  firstEndedAt?: number;
  allEndedAt: number;
}

/**
 * For waitForState: the run is at its backend (or, on a slow machine, already done there). Not
 * RUNNING alone, which a short run may have left before it is looked at.
 */
export const submitted = (state: string): boolean => state === 'RUNNING' || isTerminalWesState(state);

/** The runs, of `runIds`, whose state the read model shows terminal now. */
export async function endedRuns(http: Http, runIds: string[]): Promise<Set<string>> {
  const ended = new Set<string>();
  for (const runId of runIds) {
    const { status, body } = await http.get(`${API}/runs/${runId}/status`);
    if (status === 200 && isTerminalWesState(body.state)) ended.add(runId);
  }
  return ended;
}

/**
 * Fails after `timeoutMs`. A read that fails (a 503 while a dependency is still coming back) only
 * counts as "not yet".
 */
export async function untilAllEnded(http: Http, runIds: string[], timeoutMs: number, endedBefore = new Set<string>()): Promise<Ending> {
  const ended = new Set(endedBefore);
  let firstEndedAt: number | undefined;
  await eventually(
    async () => {
      for (const runId of await endedRuns(
        http,
        runIds.filter((id) => !ended.has(id)),
      )) {
        ended.add(runId);
        firstEndedAt ??= Date.now();
      }
      return ended.size;
    },
    (count) => count === runIds.length,
    { timeoutMs, intervalMs: 250, what: `all ${runIds.length} runs to end within ${timeoutMs / 1000} s` },
  );
  return { firstEndedAt, allEndedAt: Date.now() };
}
