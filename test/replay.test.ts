/**
 * Every committed history must replay on today's workflow code: runs in flight when a new worker
 * is deployed continue on it. A failure here means a change needs `patched()`, not a new history.
 */
import { Worker } from '@temporalio/worker';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as hostedWorkflows from '../workflows';
import { WORKFLOW_TYPES } from '../domain/workflow-types';
import { readHistory } from './support/history-file';
import { CURRENT_GENERATION, CURRENT_TASK_GENERATION, HISTORIES_DIR, SCENARIOS, TASK_SCENARIOS } from './support/record-histories';

const generations = readdirSync(HISTORIES_DIR).sort();
const files = generations.flatMap((generation) =>
  readdirSync(path.join(HISTORIES_DIR, generation))
    .filter((file) => file.endsWith('.json'))
    .map((file) => path.join(generation, file)),
);
const replayOptions = () => ({ workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! } });

test('the current generations have a history for every recorded scenario, and older ones are kept', () => {
  const namesIn = (generation: string) => files.filter((file) => path.dirname(file) === generation).map((file) => path.basename(file, '.json')).sort();
  expect(namesIn(CURRENT_GENERATION)).toEqual(Object.keys(SCENARIOS).sort());
  expect(namesIn(CURRENT_TASK_GENERATION)).toEqual(Object.keys(TASK_SCENARIOS).sort());
  expect(generations.length).toBeGreaterThan(2);
});

test('the worker hosts exactly the workflow types of the one list, and every recorded history is of one of them', () => {
  const types = Object.values(WORKFLOW_TYPES).sort();
  expect(Object.keys(hostedWorkflows).sort()).toEqual(types);
  const recorded = new Set(files.map((file) => readHistory(path.join(HISTORIES_DIR, file)).events[0].workflowExecutionStartedEventAttributes!.workflowType!.name));
  expect([...recorded].filter((type) => !types.includes(type as never))).toEqual([]);
});

test.each(files)('%s replays deterministically', async (file) => {
  await expect(Worker.runReplayHistory(replayOptions(), readHistory(path.join(HISTORIES_DIR, file)))).resolves.toBeUndefined();
});

test('a history the code would not produce is detected', async () => {
  const history = readHistory(path.join(HISTORIES_DIR, CURRENT_GENERATION, 'simulated-success.json'));
  const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes)!;
  scheduled.activityTaskScheduledEventAttributes!.activityType!.name = 'someOtherActivity';
  await expect(Worker.runReplayHistory(replayOptions(), history)).rejects.toMatchObject({
    name: 'DeterminismViolationError',
    message: expect.stringContaining('someOtherActivity'),
  });
});
