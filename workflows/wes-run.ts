/**
 * The run workflow: one GA4GH WES run as a durable workflow (docs/design.md). A thin function over
 * RunLifecycle. Its type name carries the generation of the run engine it began on: runs of
 * generations 4 and 5 (`wesRunV4`) replay the patches of their time, runs of `wesRunV5` have them
 * all without a marker (workflows/versioning.ts); runs of the earlier engine (type `wesRun`) finish
 * on workers of their own build (docs/design.md, "Versions of the run workflow").
 */
import { RunLifecycle } from './run-lifecycle';
import type { RunInput, RunSnapshot } from '../domain/run-types';

export async function wesRunV5(input: RunInput): Promise<RunSnapshot> {
  return new RunLifecycle(input).run();
}

/** Runs begun on generations 4 and 5: the same workflow, which replays their patches as recorded. */
export const wesRunV4 = wesRunV5;
