/**
 * Runs that wait for input: simulated runs tagged `wes_require_approval`, which the product holds
 * in PAUSED after preparation until resumed (README, "Extensions").
 */
import { simulatedRun, type RunRequest, type WesClient } from './wes-client';
import { waitFor } from './time';

export function waitingRun(durationMs = 0): RunRequest {
  const run = simulatedRun(durationMs);
  return { ...run, tags: { ...(run.tags as Record<string, string>), wes_require_approval: 'true' } };
}

/** How many runs are PAUSED, from `total_runs` of the filtered list (one request, whatever the count). */
export async function pausedRuns(wes: WesClient): Promise<number> {
  const response = await fetch(`${wes.base}/runs?state=PAUSED&page_size=1`);
  if (!response.ok) throw new Error(`GET /runs?state=PAUSED: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { total_runs: number }).total_runs;
}

/**
 * Submits `count` waiting runs, `clients` requests at a time, and returns when at least `total`
 * runs are PAUSED, or throws after `timeoutMs`.
 */
export async function makeWaitingRuns(wes: WesClient, count: number, total: number, clients: number, timeoutMs: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(clients, count) }, async () => {
      while (next < count) {
        next++;
        await wes.submit(waitingRun());
      }
    }),
  );
  await waitFor(`${total} runs to be PAUSED`, async () => ((await pausedRuns(wes)) >= total ? true : undefined), timeoutMs, 500);
}
