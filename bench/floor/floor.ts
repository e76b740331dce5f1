/**
 * The floor's worker, in the bench process: its own connection, its own workflow bundle and its own
 * task queue on the product's Temporal server, so it shares the server (and the machine) with
 * durable-wes and nothing else.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import * as activities from './activities';
import { floorWorkflow } from './workflows';

const TASK_QUEUE = 'bench-floor';

let bundle: Promise<WorkflowBundle> | undefined;
let runtimeInstalled = false;

export interface Floor {
  /** Runs one floor workflow start to result; returns its workflow id. */
  run(): Promise<string>;
  stop(): Promise<void>;
}

/** Bundled once per bench process: bundling is a webpack build and costs seconds. */
function floorBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') });
  return bundle;
}

export async function startFloor(address: string, client: Client): Promise<Floor> {
  if (!runtimeInstalled) {
    // The SDK's default logs every worker state change; the bench's output is its figures.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue: TASK_QUEUE, workflowBundle: await floorBundle(), activities });
  const running = worker.run();
  // A worker that dies is reported by stop(); until then the floor's runs time out instead of hanging.
  running.catch(() => undefined);
  return {
    async run() {
      const workflowId = `floor-${randomUUID()}`;
      await client.workflow.execute(floorWorkflow, { taskQueue: TASK_QUEUE, workflowId, workflowExecutionTimeout: '60 seconds' });
      return workflowId;
    },
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
