/**
 * The run workflow: one GA4GH WES run as a durable workflow (docs/design.md). A thin function
 * over RunLifecycle; runs whose history predates the lean engine replay on the code they began on.
 */
import { patched } from '@temporalio/workflow';
import { wesRunV3 } from './legacy/wes-run-v3';
import { RunLifecycle } from './run-lifecycle';
import type { RunInput, RunSnapshot } from './run-types';

export async function wesRun(input: RunInput): Promise<RunSnapshot> {
  if (!patched('lean-engine')) return wesRunV3(input);
  return new RunLifecycle(input).run();
}
