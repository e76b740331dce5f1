/** Temporal's floor: the least a durable workflow with one unit of work can cost. */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

export async function floorWorkflow(): Promise<void> {
  await noop();
}
