/**
 * Starts the real Temporal dev server every test talks to, from the same CLI binary that
 * temporal-dev.sh installs and uses, and bundles the workflow code once for all tests.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../../src/workflow-bundle';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';
import { installQuietRuntime } from './runtime';

const root = path.resolve(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  installQuietRuntime();
  const temporal = execFileSync('bash', [path.join(root, 'temporal-dev.sh'), 'path'], { encoding: 'utf8' }).trim();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporal },
      ip: '127.0.0.1',
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
    },
  });
  (globalThis as { temporalTestEnv?: TestWorkflowEnvironment }).temporalTestEnv = env;
  process.env.TEMPORAL_ADDRESS = env.address;
  process.env.TEMPORAL_CLI = temporal;

  const bundleDir = path.join(root, '.cache', 'test');
  mkdirSync(bundleDir, { recursive: true });
  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflows()).code);
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
}
