/**
 * A real Temporal dev server from the CLI binary temporal-dev.sh installs (never a download),
 * with the search attributes the run workflow upserts.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_KEYS } from '../../domain/search-attributes';
import { installQuietRuntime } from './runtime';

const root = path.resolve(__dirname, '../..');

/**
 * The server computes whether an old worker deployment version still has open runs only every 3
 * minutes, and only 3 minutes after it stopped being current (defaults); the rolling-upgrade test
 * waits for that, so the test server does both within seconds.
 */
export const FAST_DRAINAGE: Record<string, string> = {
  'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '2s',
  'matching.wv.VersionDrainageStatusRefreshInterval': '1s',
};

const dynamicConfigArgs = (values: Record<string, string>) =>
  Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);

export function temporalCliPath(): string {
  return execFileSync('bash', [path.join(root, 'temporal-dev.sh'), 'path'], { encoding: 'utf8' }).trim();
}

/** With its Web UI on `uiPort` when given (test/temporal-ui.test.ts loads it in a browser). */
export async function startTemporalServer(uiPort?: number): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      ...(uiPort === undefined ? {} : { ui: true, uiPort }),
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      extraArgs: dynamicConfigArgs(FAST_DRAINAGE),
    },
  });
}
