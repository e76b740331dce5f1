/**
 * Records the event histories that test/replay.test.ts replays (`npm run record-histories`).
 *
 * Run it when a new path through the workflow needs a history, never to "fix" a failing replay:
 * a replay failure means the workflow changed behaviour for runs already in flight, which must be
 * put behind `patched()` instead. Existing files are kept unless --overwrite is given.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resumeSignal, resumeUpdate } from '../../domain/messages';
import type { RunInput, WesRunRequest } from '../../domain/run-types';
import type { wesTaskV1 } from '../../workflows/task-run';
import type { wesRunV5 } from '../../workflows/wes-run';
import { startTestPostgres, writeTestBundle } from './global-setup';
import { writeHistory } from './history-file';
import { createHarness, EXAMPLES, finalSnapshot, waitForSnapshot, type Harness } from './harness';
import { simulatedStep, taskDocument } from './task-documents';
import { startTemporalServer } from './temporal-server';

/**
 * One folder per generation of the workflow code; older generations stay, so that replay keeps
 * proving that runs started on old code continue on new code.
 */
export const HISTORIES_DIR = path.resolve(__dirname, '../histories');
export const CURRENT_GENERATION = '6-lean-history';
/** Task runs (docs/tasks.md) are a workflow type of their own, with generations of their own. */
export const CURRENT_TASK_GENERATION = 'task-3-step-runs-v5';

type Handle = WorkflowHandle<typeof wesRunV5>;
type TaskHandle = WorkflowHandle<typeof wesTaskV1>;
interface TaskScenario {
  definition: string;
  params?: Record<string, unknown>;
  drive?: (handle: TaskHandle) => Promise<void>;
}
interface Scenario {
  request: Partial<WesRunRequest>;
  options?: Partial<RunInput>;
  drive?: (handle: Handle) => Promise<void>;
}

const submitted = (handle: Handle) => waitForSnapshot(handle, (s) => s.externalId !== undefined);
const awaiting = (handle: Handle) => waitForSnapshot(handle, (s) => s.state === 'awaiting_input');

export const SCENARIOS: Record<string, Scenario> = {
  'simulated-success': { request: { workflow_params: { duration_ms: 300, outputs: { answer: 42 } } } },
  'simulated-executor-error': { request: { workflow_params: { duration_ms: 100, outcome: 'EXECUTOR_ERROR' } } },
  'simulated-submit-retried': { request: { workflow_params: { duration_ms: 100, submit_errors: 2 } } },
  'simulated-submit-rejected': { request: { workflow_params: { reject_submit: true } } },
  'unknown-provider': { request: { tags: { wes_provider: 'nowhere' } } },
  'cancel-while-starting': {
    request: { workflow_params: { prepare_ms: 60_000 } },
    drive: async (handle) => {
      await waitForSnapshot(handle, (s) => s.state === 'starting');
      await handle.cancel();
    },
  },
  'cancel-while-running': {
    request: { workflow_params: { duration_ms: 60_000 } },
    drive: async (handle) => {
      await submitted(handle);
      await handle.cancel();
    },
  },
  'approval-resumed': {
    request: { workflow_params: { duration_ms: 100 } },
    options: { requireApproval: true },
    drive: async (handle) => {
      await awaiting(handle);
      await handle.executeUpdate(resumeUpdate, { args: [{ approved_by: 'recorder' }] });
    },
  },
  'approval-cancelled': {
    request: { workflow_params: { duration_ms: 100 } },
    options: { requireApproval: true },
    drive: async (handle) => {
      await awaiting(handle);
      await handle.cancel();
    },
  },
  'provider-paused-resumed': {
    request: { workflow_params: { pause_at_ms: 100, duration_ms: 400 } },
    drive: async (handle) => {
      await awaiting(handle);
      await handle.signal(resumeSignal, { answer: 42 });
    },
  },
  'continued-as-new': {
    // 12 simulated hours in about 22 s, preempted every minute: a few continuations.
    request: { workflow_params: { duration_ms: 43_200_000, preempt_every_ms: 60_000, time_scale: 2_000 } },
  },
  'provider-unreachable': {
    request: { workflow_params: { duration_ms: 1500, unreachable_from_ms: 300, unreachable_for_ms: 700 } },
  },
  'provider-queued': { request: { workflow_params: { queued_ms: 600, duration_ms: 300 } } },
  'timed-out': { request: { workflow_params: { duration_ms: 60_000 } }, options: { timeout: '1s' } },
  'local-hello-world': {
    request: {
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: path.join(EXAMPLES, 'hello-world', 'hello.cwl'),
      workflow_params: { message: 'recorded' },
    },
    options: { provider: 'local' },
  },
};

const tasks = (...names: string[]) => readFileSync(path.join(EXAMPLES, 'tasks', ...names), 'utf8');

export const TASK_SCENARIOS: Record<string, TaskScenario> = {
  'gate-resumed': {
    definition: tasks('review-and-publish.yaml'),
    drive: async (handle) => {
      await waitForSnapshot(handle, (s) => s.state === 'awaiting_input');
      await handle.executeUpdate(resumeUpdate, { args: [{ approved: true }] });
    },
  },
  'parallel-joined': { definition: tasks('fan-out.yaml'), params: { duration_ms: 50 } },
  'failure-tolerated': {
    definition: taskDocument({
      steps: [simulatedStep('bad', { outcome: 'EXECUTOR_ERROR' }, { continue_on_failure: true }), simulatedStep('after')],
    }),
  },
  'retries-exhausted': {
    definition: taskDocument({
      steps: [simulatedStep('flaky', { outcome: 'SYSTEM_ERROR' }, { retry: { maximum_attempts: 2, initial_interval: '100ms' } })],
    }),
  },
  'step-timed-out': { definition: taskDocument({ steps: [simulatedStep('slow', { duration_ms: 60_000 }, { timeout: '1s' })] }) },
  'child-cannot-start': {
    definition: taskDocument({
      parameters: { where: { type: 'string', default: 'nowhere' } },
      steps: [{ id: 'lost', run: { ...simulatedStep('lost').run, provider: '{% params.where %}' } }],
    }),
  },
  'cancelled-child-terminated': {
    definition: taskDocument({
      steps: [simulatedStep('stuck', { duration_ms: 600_000, unreachable_from_ms: 300, unreachable_for_ms: 600_000 })],
    }),
    drive: async (handle) => {
      const child = handle.client.getHandle(`${handle.workflowId}.stuck`);
      await waitForSnapshot(child, (s) => s.externalId !== undefined);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await handle.cancel();
      await waitForSnapshot(child, (s) => s.canceling);
      await child.terminate('stuck while cancelling');
    },
  },
  'cancelled-in-parallel': {
    definition: taskDocument({
      steps: [
        {
          id: 'fan',
          parallel: { branches: [0, 1].map((i) => ({ id: `b${i}`, steps: [simulatedStep(`s${i}`, { duration_ms: 60_000 })] })) },
        },
      ],
    }),
    drive: async (handle) => {
      await waitForSnapshot(handle, (s) => s.transitions.filter((t) => t.type === 'init_branch').length === 2);
      await handle.cancel();
    },
  },
};

async function record(
  h: Harness,
  file: string,
  start: () => Promise<Handle | TaskHandle>,
  drive?: (handle: never) => Promise<void>,
): Promise<void> {
  const handle = await start();
  await drive?.(handle as never);
  await finalSnapshot(handle);
  // The last execution of a run that continued as new: it starts from a continuation.
  const history = await h.client.workflow.getHandle(handle.workflowId).fetchHistory();
  writeHistory(file, history);
  console.log(`recorded ${path.relative(HISTORIES_DIR, file)}: ${history.events?.length ?? 0} events`);
}

async function main(): Promise<void> {
  const overwrite = process.argv.includes('--overwrite');
  const env = await startTemporalServer();
  const stopPostgres = await startTestPostgres();
  process.env.TEMPORAL_ADDRESS = env.address;
  await writeTestBundle();
  for (const generation of [CURRENT_GENERATION, CURRENT_TASK_GENERATION])
    mkdirSync(path.join(HISTORIES_DIR, generation), { recursive: true });
  const h = await createHarness();
  try {
    const todo = (generation: string, name: string) => {
      const file = path.join(HISTORIES_DIR, generation, `${name}.json`);
      return overwrite || !existsSync(file) ? file : undefined;
    };
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      const file = todo(CURRENT_GENERATION, name);
      if (file) await record(h, file, () => h.start(scenario.request, scenario.options), scenario.drive);
    }
    for (const [name, scenario] of Object.entries(TASK_SCENARIOS)) {
      const file = todo(CURRENT_TASK_GENERATION, name);
      if (file) await record(h, file, () => h.startTask(scenario.definition, scenario.params), scenario.drive);
    }
  } finally {
    await h.stop();
    await env.teardown();
    await stopPostgres();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
