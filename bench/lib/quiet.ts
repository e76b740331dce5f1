/**
 * Waits until the workflows a measurement started have closed, or the machine is idle. WES reports
 * COMPLETE before a run's workflow has run its last tasks; without this, that tail would be billed
 * to whatever is measured next (usually the baseline).
 */
import type { Client } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { sleep, waitFor } from './time';

const QUIET_TIMEOUT_MS = 60_000;

export async function openWorkflows(client: Client): Promise<number> {
  return (await client.workflow.count('ExecutionStatus="Running"')).count;
}

/** Until no more workflows are open than `before` (those the bench did not start). */
export async function waitForQuiet(client: Client, before: number): Promise<void> {
  await waitFor('open workflows to close', async () => ((await openWorkflows(client)) <= before ? true : undefined), QUIET_TIMEOUT_MS, 50);
}

/** The machine counts as idle below this share of its cores busy, over one second. */
const IDLE_BUSY_SHARE = 0.15;

/** The CPU time the machine has spent busy and in all, from /proc/stat, in clock ticks. */
function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const total = fields.slice(0, 8).reduce((sum, ticks) => sum + ticks, 0);
  return { busy: total - fields[3] - fields[4], total };
}

/**
 * Until the machine is idle: what the last measurement left running (runs being cleaned up, an
 * engine's warm processes started again, a store's own upkeep) is not billed to the reads that
 * follow, on either side. Throws when it is not idle within a minute: the numbers would not be
 * the servers' own.
 */
export async function waitForIdleMachine(): Promise<void> {
  await waitFor(
    'the machine to be idle',
    async () => {
      const before = cpuTicks();
      await sleep(1_000);
      const after = cpuTicks();
      return (after.busy - before.busy) / (after.total - before.total) < IDLE_BUSY_SHARE ? true : undefined;
    },
    QUIET_TIMEOUT_MS,
    0,
  );
}
