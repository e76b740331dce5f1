/**
 * A real Temporal dev server from the CLI binary temporal-dev.sh installs (never a download),
 * with the search attributes the run workflow upserts.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';
import { installQuietRuntime } from './runtime';

const root = path.resolve(__dirname, '../..');

export function temporalCliPath(): string {
  return execFileSync('bash', [path.join(root, 'temporal-dev.sh'), 'path'], { encoding: 'utf8' }).trim();
}

export async function startTemporalServer(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
    },
  });
}
