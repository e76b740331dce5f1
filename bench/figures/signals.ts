/**
 * Figure 8: how soon a resume or a cancel shows. A run waiting for input (PAUSED) is resumed, or
 * cancelled, through the API; measured from the POST until `GET /runs/{id}/status` shows another
 * state than PAUSED. The baseline is the status request itself, the least a client can see a
 * change in, measured between the samples.
 */
import { Failures, type Figure } from '../lib/figure';
import { measure } from '../lib/report';
import { alternate } from '../lib/schedule';
import { percentile, round, summarize } from '../lib/stats';
import { now, timed } from '../lib/time';
import type { WesClient } from '../lib/wes-client';
import { waitingRun } from '../lib/waiting-runs';

/** Finer than the bench's usual 10 ms: the target is 50 ms. */
const POLL_MS = 2;
const VISIBLE_TIMEOUT_MS = 30_000;
const TARGET_P50_MS = 50;

async function paused(wes: WesClient): Promise<string> {
  const runId = await wes.submit(waitingRun());
  const deadline = Date.now() + VISIBLE_TIMEOUT_MS;
  for (;;) {
    const state = await wes.state(runId);
    if (state === 'PAUSED') return runId;
    if (Date.now() >= deadline) throw new Error(`run ${runId} still ${state}, not PAUSED, after ${VISIBLE_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** From the action's request until the status shows another state; returns the ms and that state. */
async function untilVisible(wes: WesClient, runId: string, action: () => Promise<void>): Promise<{ ms: number; state: string }> {
  const started = now();
  await action();
  for (;;) {
    const state = await wes.state(runId);
    if (state !== 'PAUSED') return { ms: now() - started, state };
    if (now() - started > VISIBLE_TIMEOUT_MS) throw new Error(`run ${runId} still PAUSED ${VISIBLE_TIMEOUT_MS} ms after the request`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export const signals: Figure = {
  name: 'signals',
  title: 'Resume and cancel: from the request to the new state in GET /runs/{id}/status',
  async run({ wes, quick }) {
    const samples = quick ? 5 : 50;
    const failures = new Failures();
    const ms = { resume: [] as number[], cancel: [] as number[], status: [] as number[] };
    const seen: Record<string, number> = {};
    const sample = (side: 'resume' | 'cancel') => async () => {
      try {
        const runId = await paused(wes);
        ms.status.push((await timed(() => wes.state(runId))).ms);
        const action = side === 'resume' ? () => wes.post(`/runs/${runId}/resume`, {}) : () => wes.post(`/runs/${runId}/cancel`);
        const visible = await untilVisible(wes, runId, action);
        ms[side].push(visible.ms);
        seen[`${side} → ${visible.state}`] = (seen[`${side} → ${visible.state}`] ?? 0) + 1;
      } catch (err) {
        failures.add(`${side}: ${(err as Error).message}`);
      }
    };
    await alternate(samples, sample('resume'), sample('cancel'));

    const baseline = (p: number) => ({ name: `GET /runs/{id}/status alone, p${p}`, value: round(percentile(ms.status, p)) });
    const target = { on: 'value' as const, op: '<=' as const, limit: TARGET_P50_MS };
    const of = (side: 'resume' | 'cancel') => [
      measure({
        name: `${side} → visible, p50 of ${ms[side].length}`,
        unit: 'ms',
        value: round(percentile(ms[side], 50)),
        baseline: baseline(50),
        target,
      }),
      measure({
        name: `${side} → visible, p99 of ${ms[side].length}`,
        unit: 'ms',
        value: round(percentile(ms[side], 99)),
        baseline: baseline(99),
      }),
    ];
    return {
      measures: [...of('resume'), ...of('cancel')],
      failures: failures.all,
      details: {
        samples,
        poll_ms: POLL_MS,
        resume_ms: summarize(ms.resume),
        cancel_ms: summarize(ms.cancel),
        status_ms: summarize(ms.status),
        states_seen: seen,
      },
    };
  },
};
