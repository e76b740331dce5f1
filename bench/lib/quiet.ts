/**
 * Waits until the workflows a measurement started have closed. WES reports COMPLETE before a run's
 * workflow has run its last tasks; without this, that tail would be billed to whatever is measured
 * next (usually the baseline).
 */
import type { Client } from '@temporalio/client';
import { waitFor } from './time';

const QUIET_TIMEOUT_MS = 60_000;

export async function openWorkflows(client: Client): Promise<number> {
  return (await client.workflow.count('ExecutionStatus="Running"')).count;
}

/** Until no more workflows are open than `before` (those the bench did not start). */
export async function waitForQuiet(client: Client, before: number): Promise<void> {
  await waitFor('open workflows to close', async () => ((await openWorkflows(client)) <= before ? true : undefined), QUIET_TIMEOUT_MS, 50);
}
