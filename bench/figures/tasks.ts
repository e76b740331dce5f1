/**
 * Figure: a task of 50 parallel branches (docs/tasks.md), each a simulated run, POST to COMPLETE,
 * against the same 50 runs submitted one by one through the API by 10 clients, each waiting for
 * its run before it submits the next. Interleaved rounds; the medians are compared.
 */
import { stringify } from 'yaml';
import { Failures, type Figure } from '../lib/figure';
import { measure } from '../lib/report';
import { alternate } from '../lib/schedule';
import { summarize } from '../lib/stats';
import { now } from '../lib/time';
import { simulatedRun, type WesClient } from '../lib/wes-client';

const BRANCHES = 50;
const CLIENTS = 10;
const RUN_MS = 500;
const ROUNDS = 4;
const TIMEOUT_MS = 120_000;

const definition = stringify({
  dwes_task: '1.0',
  steps: [
    {
      id: 'fan',
      parallel: {
        branches: Array.from({ length: BRANCHES }, (_, i) => ({
          id: `b${i}`,
          steps: [
            {
              id: `s${i}`,
              run: {
                provider: 'simulated',
                workflow_type: 'SIMULATED',
                workflow_type_version: '1',
                workflow_url: 'simulated:',
                workflow_params: { duration_ms: RUN_MS },
              },
            },
          ],
        })),
      },
    },
  ],
});

async function task(wes: WesClient): Promise<number> {
  const started = now();
  const runId = await wes.submitTask(definition);
  const state = await wes.waitTerminal(runId, 50, TIMEOUT_MS);
  if (state !== 'COMPLETE') throw new Error(`task ${runId} ended ${state}`);
  return now() - started;
}

async function oneByOne(wes: WesClient): Promise<number> {
  const started = now();
  let next = 0;
  const client = async () => {
    while (next < BRANCHES) {
      next++;
      const sample = await wes.run(simulatedRun(RUN_MS), 50);
      if (sample.state !== 'COMPLETE') throw new Error(`run ${sample.runId} ended ${sample.state}`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return now() - started;
}

export const tasks: Figure = {
  name: 'tasks',
  title: `A task of ${BRANCHES} parallel branches against the same runs submitted by ${CLIENTS} clients`,
  async run({ wes }) {
    const failures = new Failures();
    const samples = { task: [] as number[], runs: [] as number[] };
    const sample = (side: keyof typeof samples, work: () => Promise<number>) => async () => {
      try {
        samples[side].push(await work());
      } catch (err) {
        failures.add(`${side}: ${(err as Error).message}`);
      }
    };
    await alternate(
      ROUNDS,
      sample('task', () => task(wes)),
      sample('runs', () => oneByOne(wes)),
    );
    const taskMs = summarize(samples.task);
    const runsMs = summarize(samples.runs);
    return {
      measures: [
        measure({
          name: `${BRANCHES}-branch task of ${RUN_MS} ms simulated runs, POST to COMPLETE, median`,
          unit: 'ms',
          value: taskMs.p50,
          baseline: { name: `the same ${BRANCHES} runs through the API, ${CLIENTS} clients, median`, value: runsMs.p50 },
          target: { on: 'ratio', op: '<=', limit: 1 },
        }),
      ],
      failures: failures.all,
      details: { rounds: ROUNDS, branches: BRANCHES, clients: CLIENTS, run_ms: RUN_MS, task_ms: taskMs, runs_ms: runsMs },
    };
  },
};
