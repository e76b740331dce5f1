/**
 * Starts the real Temporal dev server every test talks to, and bundles the workflow code once
 * for all tests.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../../src/workflow-bundle';
import { startTemporalServer } from './temporal-server';

export const TEST_BUNDLE_PATH = path.resolve(__dirname, '../../.cache/test/workflow-bundle.js');

export async function writeTestBundle(): Promise<void> {
  mkdirSync(path.dirname(TEST_BUNDLE_PATH), { recursive: true });
  writeFileSync(TEST_BUNDLE_PATH, (await bundleWorkflows()).code);
  process.env.WORKFLOW_BUNDLE_PATH = TEST_BUNDLE_PATH;
}

export default async function globalSetup(): Promise<void> {
  const env = await startTemporalServer();
  (globalThis as { temporalTestEnv?: TestWorkflowEnvironment }).temporalTestEnv = env;
  process.env.TEMPORAL_ADDRESS = env.address;
  await writeTestBundle();
}
