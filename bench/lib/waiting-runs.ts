/**
 * Runs that wait for input: simulated runs tagged `wes_require_approval`, which the product holds
 * in PAUSED after preparation until resumed (README, "Extensions").
 */
import { simulatedRun, type RunRequest, type WesClient } from './wes-client';
import { sleep, waitFor } from './time';

export function waitingRun(durationMs = 0): RunRequest {
  const run = simulatedRun(durationMs);
  return { ...run, tags: { ...(run.tags as Record<string, string>), wes_require_approval: 'true' } };
}

/** How many runs are in `state`, from `total_runs` of the filtered list (one request, whatever the count). */
export async function runsIn(wes: WesClient, state: string): Promise<number> {
  const response = await fetch(`${wes.base}/runs?state=${state}&page_size=1`);
  if (!response.ok) throw new Error(`GET /runs?state=${state}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { total_runs: number }).total_runs;
}

export const pausedRuns = (wes: WesClient): Promise<number> => runsIn(wes, 'PAUSED');

/**
 * Submits `count` waiting runs, `clients` requests at a time, and returns their ids when at least
 * `total` runs are PAUSED, or throws after `timeoutMs`.
 */
export async function makeWaitingRuns(wes: WesClient, count: number, total: number, clients: number, timeoutMs: number): Promise<string[]> {
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(clients, count) }, async () => {
      while (ids.length < count) {
        const index = ids.push('') - 1;
        ids[index] = await wes.submit(waitingRun());
      }
    }),
  );
  await waitFor(`${total} runs to be PAUSED`, async () => ((await pausedRuns(wes)) >= total ? true : undefined), timeoutMs, 500);
  return ids;
}

/** Between tries of a resume that Temporal could not take in time (503). */
const RETRY_MS = 1_000;
/**
 * Answers that ask the client to try again: 503 (Temporal did not take the update in time) and 408
 * (the server did not read the whole request in time: ten thousand resumes sent at once queue up in
 * its sockets).
 */
const TRY_AGAIN = [408, 503];

/**
 * One resume as a client does it: a 503 (Temporal did not take the update in time, the worker being
 * busy with the burst), a 408 or no answer is tried again; a 409 after such a try means an earlier one got through.
 * Returns how many tries were needed.
 */
async function resume(wes: WesClient, runId: string, deadline: number): Promise<number> {
  for (let tries = 1; ; tries++) {
    const response = await fetch(`${wes.base}/runs/${runId}/resume`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    }).catch((err: unknown) => {
      // No answer within undici's 5 minutes (a loaded machine): tried again like a 503.
      if (Date.now() >= deadline) throw err;
      return undefined;
    });
    const text = (await response?.text()) ?? '';
    if (response && (response.ok || (response.status === 409 && tries > 1))) return tries;
    if ((response && !TRY_AGAIN.includes(response.status)) || Date.now() >= deadline)
      throw new Error(`POST /runs/${runId}/resume: ${response?.status ?? 'no answer'} ${text.slice(0, 500)} (try ${tries})`);
    await sleep(RETRY_MS);
  }
}

/**
 * Resumes every run at once (one POST /runs/{id}/resume each, all sent together), then returns
 * when at least `total` runs are COMPLETE (simulated runs of no duration finish once resumed), or
 * throws after `timeoutMs`. Returns how many resumes had to be tried again.
 */
export async function resumeAll(wes: WesClient, runIds: string[], total: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const tries = await Promise.all(runIds.map((runId) => resume(wes, runId, deadline)));
  await waitFor(`${total} runs to be COMPLETE`, async () => ((await runsIn(wes, 'COMPLETE')) >= total ? true : undefined), timeoutMs, 500);
  return tries.filter((n) => n > 1).length;
}
