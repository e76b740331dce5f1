/**
 * Writes the workflow bundle to the file named by its argument, for WORKFLOW_BUNDLE_PATH: workers
 * started from it skip seconds of bundling each, and all run the very same workflow code.
 *
 *   node dist/src/write-workflow-bundle.js FILE
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from './worker/workflow-bundle';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: write-workflow-bundle FILE');
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, (await bundleWorkflows()).code);
}

main().catch((err: unknown) => {
  console.error(`write-workflow-bundle: ${(err as Error).message}`);
  process.exit(1);
});
