/**
 * Submits the hello-world CWL run on start-up, so that a person who runs the start command has a
 * run to look at in the Temporal UI. Prints where to find it and how it ended.
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { RunInput } from '../workflows/run-types';
import { wesRun } from '../workflows/wes-run';
import { loadConfig } from './config';
import { temporalUiLink } from './temporal-ui';

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.temporalAddress });
  try {
    const client = new Client({ connection, namespace: config.temporalNamespace });
    const runId = `run-${randomUUID()}`;
    const input: RunInput = {
      runId,
      provider: 'local',
      request: {
        workflow_type: 'CWL',
        workflow_type_version: 'v1.2',
        workflow_url: path.join(config.workflowRoots[0], 'hello-world', 'hello.cwl'),
        workflow_params: { message: 'Hello from durable-wes' },
        tags: { example: 'hello-world' },
      },
    };
    const handle = await client.workflow.start(wesRun, { taskQueue: config.taskQueue, workflowId: runId, args: [input] });
    console.log(`demo run ${runId}: ${temporalUiLink(config, runId)}`);
    const result = await handle.result();
    console.log(`demo run ${runId}: ${result.wesState}, outputs ${JSON.stringify(result.outputs)}`);
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error('demo run failed:', err);
  process.exit(1);
});
