/**
 * Follows many runs at once with one poller: every 10 ms, the status of each run not yet in the
 * wanted states, in parallel. Thirty runs polled each on its own every 10 ms would load a small
 * machine with requests more than the runs themselves do.
 */
import { now, sleep } from './time';
import { POLL_MS, type WesClient } from './wes-client';

export interface Sweep {
  /** Run id → the state it was first seen in among the wanted ones, and when (performance.now()). */
  seen: Map<string, { state: string; at: number }>;
  /** The runs that did not get there in time, each as `run id` and the last state seen. */
  missing: string[];
}

export async function sweepUntil(wes: WesClient, runIds: string[], wanted: (state: string) => boolean, timeoutMs: number): Promise<Sweep> {
  const seen: Sweep['seen'] = new Map();
  const last = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < runIds.length && Date.now() < deadline) {
    await Promise.all(
      runIds
        .filter((runId) => !seen.has(runId))
        .map(async (runId) => {
          // While a part of the product restarts its API may refuse a request; the next sweep asks again.
          const state = await wes.state(runId).catch(() => undefined);
          if (state === undefined) return;
          last.set(runId, state);
          if (wanted(state)) seen.set(runId, { state, at: now() });
        }),
    );
    await sleep(POLL_MS);
  }
  const missing = runIds.filter((runId) => !seen.has(runId)).map((runId) => `${runId} ${last.get(runId) ?? '(no answer)'}`);
  return { seen, missing };
}
