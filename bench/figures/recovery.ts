/**
 * Figure 4: runs in flight survive the loss of the Temporal server. A batch of simulated runs is
 * submitted and left alone (the baseline); a second batch is submitted and, once every run is at its
 * backend (or half the runs' duration after the API accepted them all), the server is SIGKILLed. If the start command's supervisor brings the server
 * back by itself the bench only watches; otherwise it restarts it with `temporal-dev.sh start`, as
 * an operator would. Every run must then complete, submitted to its backend once.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isTerminalWesState } from '../../domain/wes-state';
import { Failures, type BenchContext, type Figure } from '../lib/figure';
import { measure } from '../lib/report';
import { round } from '../lib/stats';
import { sweepUntil } from '../lib/sweep';
import { serverAnswers, temporalDev } from '../lib/temporal-dev';
import { now, sleep } from '../lib/time';
import { simulatedRun } from '../lib/wes-client';

const RUNS = 30;
const DURATION_MS = 8_000;
/** How long a supervisor gets to show it is restarting the server before the bench does it itself. */
const SUPERVISOR_GRACE_MS = 20_000;
/** How long a supervisor that has started a new server gets until it answers. */
const SUPERVISOR_START_MS = 90_000;
const TARGET_AFTER_RESTART_MS = 60_000;
const BASELINE_TIMEOUT_MS = 120_000;
/** The kill comes when every run is RUNNING, or this long after all were accepted: well before any can finish. */
const KILL_AT_THE_LATEST_MS = DURATION_MS / 2;

/** Submits a batch at once; returns the run ids and when the API had accepted them all. */
async function submitBatch(context: BenchContext): Promise<{ runIds: string[]; acceptedAt: number }> {
  const runIds = await Promise.all(Array.from({ length: RUNS }, () => context.wes.submit(simulatedRun(DURATION_MS))));
  return { runIds, acceptedAt: now() };
}

interface BatchEnd {
  /** ms from `from` until the last run was terminal; NaN if some were not in time. */
  allMs: number;
  /** How many ended COMPLETE in time. */
  complete: number;
}

/** Follows a batch to its end, noting runs that did not end COMPLETE, or not in time. */
async function batchEnd(context: BenchContext, runIds: string[], from: number, timeoutMs: number, failures: Failures): Promise<BatchEnd> {
  const { seen, missing } = await sweepUntil(context.wes, runIds, isTerminalWesState, timeoutMs);
  // One line each: a figure gives up after a few failures, and each of these is one finding.
  if (missing.length)
    failures.add(`${missing.length} of ${runIds.length} runs not terminal within ${Math.round(timeoutMs)} ms: ${missing.join(', ')}`);
  const notComplete = [...seen].filter(([, { state }]) => state !== 'COMPLETE').map(([runId, { state }]) => `${runId} ${state}`);
  if (notComplete.length) failures.add(`${notComplete.length} runs did not end COMPLETE: ${notComplete.join(', ')}`);
  return {
    allMs: missing.length ? Number.NaN : Math.max(...[...seen.values()].map(({ at }) => at)) - from,
    complete: seen.size - notComplete.length,
  };
}

/** State → number of runs in it, read through the API (from its read model, which needs no Temporal). */
async function stateCounts(context: BenchContext, runIds: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const state of await Promise.all(runIds.map((runId) => context.wes.state(runId)))) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
}

function serverPid(context: BenchContext): number | undefined {
  if (!existsSync(context.product.temporalPidFile)) return undefined;
  const pid = Number(readFileSync(context.product.temporalPidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills the server, then returns when it answers again and who restarted it. */
async function killAndRestart(context: BenchContext): Promise<{ killedAt: number; answeredAt: number; restartedBy: string }> {
  const killed = serverPid(context);
  if (killed === undefined) throw new Error(`no Temporal server pid in ${context.product.temporalPidFile}`);
  const killedAt = now();
  process.kill(killed, 'SIGKILL');
  const address = context.product.temporalAddress;
  const bySupervisor = 'the start command, by itself';
  let deadline = killedAt + SUPERVISOR_GRACE_MS;
  while (now() < deadline) {
    if (await serverAnswers(address)) return { killedAt, answeredAt: now(), restartedBy: bySupervisor };
    // A new live server process means a supervisor is at work: give it time to come up rather than race it.
    const pid = serverPid(context);
    if (pid !== undefined && pid !== killed && alive(pid)) deadline = killedAt + SUPERVISOR_START_MS;
    await sleep(100);
  }
  if (deadline > killedAt + SUPERVISOR_GRACE_MS)
    throw new Error(`the supervisor's new Temporal server did not answer within ${SUPERVISOR_START_MS} ms of the kill`);
  await temporalDev('start', context.product.env);
  return { killedAt, answeredAt: now(), restartedBy: 'the bench (temporal-dev.sh start)' };
}

/** The simulated backend counts the submissions it accepted for each run. */
function submissions(context: BenchContext, runId: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(context.product.runDir(runId), 'simulated.json'), 'utf8')) as { submissions: number })
      .submissions;
  } catch {
    return undefined;
  }
}

export const recovery: Figure = {
  name: 'recovery',
  title: 'Recovery of runs in flight from a killed Temporal server',
  async run(context) {
    const failures = new Failures();

    const calm = await submitBatch(context);
    const calmEnd = await batchEnd(context, calm.runIds, calm.acceptedAt, BASELINE_TIMEOUT_MS, failures);

    const disturbed = await submitBatch(context);
    // The kill should find runs already at their backend, but every run still in flight.
    await sweepUntil(context.wes, disturbed.runIds, (state) => state === 'RUNNING' || isTerminalWesState(state), KILL_AT_THE_LATEST_MS);
    const atKill = await stateCounts(context, disturbed.runIds);
    const { killedAt, answeredAt, restartedBy } = await killAndRestart(context);
    const downMs = answeredAt - killedAt;
    const end = await batchEnd(context, disturbed.runIds, killedAt, downMs + TARGET_AFTER_RESTART_MS, failures);

    const notOnce = disturbed.runIds.filter((runId) => submissions(context, runId) !== 1);
    if (notOnce.length)
      failures.add(
        `not submitted exactly once: ${notOnce.map((runId) => `${runId} (${submissions(context, runId) ?? 'unknown'})`).join(', ')}`,
      );
    return {
      measures: [
        measure({
          name: `${RUNS} runs of ${DURATION_MS / 1000} s: from all accepted to all COMPLETE, with the kill`,
          unit: 'ms',
          value: round(end.allMs + (killedAt - disturbed.acceptedAt)),
          baseline: { name: 'the same batch undisturbed: from all accepted to all COMPLETE', value: round(calmEnd.allMs) },
        }),
        measure({
          name: 'from the server answering again to all COMPLETE',
          unit: 'ms',
          value: round(end.allMs - downMs),
          target: { on: 'value', op: '<=', limit: TARGET_AFTER_RESTART_MS },
        }),
        measure({
          name: `runs COMPLETE within ${TARGET_AFTER_RESTART_MS / 1000} s of the server answering again`,
          unit: 'runs',
          value: end.complete,
          target: { on: 'value', op: '>=', limit: RUNS },
        }),
        measure({
          name: 'runs not submitted exactly once',
          unit: 'runs',
          value: notOnce.length,
          target: { on: 'value', op: '<=', limit: 0 },
        }),
      ],
      failures: failures.all,
      details: {
        runs: RUNS,
        duration_ms: DURATION_MS,
        restarted_by: restartedBy,
        server_down_ms: round(downMs),
        from_kill_to_all_complete_ms: round(end.allMs),
        states_at_the_kill: atKill,
      },
    };
  },
};
