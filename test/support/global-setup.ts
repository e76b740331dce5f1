/**
 * Starts the real servers every test talks to: a Temporal dev server and a PostgreSQL with the
 * read model's migrations applied. Bundles the workflow code once for all tests.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../read-model/data-source';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { bundleWorkflows } from '../../src/worker/workflow-bundle';
import { freePort } from './free-port';
import { startTemporalServer } from './temporal-server';

export const TEST_BUNDLE_PATH = path.resolve(__dirname, '../../.cache/test/workflow-bundle.js');

export async function writeTestBundle(): Promise<void> {
  mkdirSync(path.dirname(TEST_BUNDLE_PATH), { recursive: true });
  writeFileSync(TEST_BUNDLE_PATH, (await bundleWorkflows()).code);
  process.env.WORKFLOW_BUNDLE_PATH = TEST_BUNDLE_PATH;
}

/** A fresh PostgreSQL in a scratch dir, migrated; DATABASE_URL points at it. */
export async function startTestPostgres(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-pg-'));
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  await (await openDatabase(postgres.url)).destroy();
  process.env.DATABASE_URL = postgres.url;
  return async () => {
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

interface TestServers {
  temporal: TestWorkflowEnvironment;
  stopPostgres: () => Promise<void>;
}

export default async function globalSetup(): Promise<void> {
  // The Web UI too: test/temporal-ui.test.ts loads it in a browser, at TEST_TEMPORAL_UI_URL (not TEMPORAL_UI_URL: processes the tests start read that).
  const uiPort = await freePort();
  const [temporal, stopPostgres] = await Promise.all([startTemporalServer(uiPort), startTestPostgres()]);
  (globalThis as { testServers?: TestServers }).testServers = { temporal, stopPostgres };
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.TEST_TEMPORAL_UI_URL = `http://127.0.0.1:${uiPort}`;
  await writeTestBundle();
}
