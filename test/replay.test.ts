/**
 * Every committed history must replay on today's workflow code: runs in flight when a new worker
 * is deployed continue on it. A failure here means a change needs `patched()`, not a new history.
 */
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as hostedWorkflows from '../workflows';
import { LEGACY_RUN_TYPE, WORKFLOW_TYPES } from '../domain/workflow-types';
import { bundleWorkflows } from '../src/worker/workflow-bundle';
import { readHistory } from './support/history-file';
import { CURRENT_GENERATION, CURRENT_TASK_GENERATION, HISTORIES_DIR, SCENARIOS, TASK_SCENARIOS } from './support/record-histories';

const generations = readdirSync(HISTORIES_DIR).sort();
const files = generations.flatMap((generation) =>
  readdirSync(path.join(HISTORIES_DIR, generation))
    .filter((file) => file.endsWith('.json'))
    .map((file) => path.join(generation, file)),
);
const typeOf = (file: string) =>
  readHistory(path.join(HISTORIES_DIR, file)).events[0].workflowExecutionStartedEventAttributes!.workflowType!.name!;
/** The worker's own bundle, as the global set-up wrote it. */
const replayOptions = (): ReplayWorkerOptions => ({ workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! } });
/** Histories of the legacy type replay on its code, bundled here only: the worker no longer ships it. */
let legacyBundle: { code: string };
/** What replaying each file found: one replay worker per bundle for all of its files, not one per file. */
const replayed = new Map<string, Error | undefined>();
beforeAll(async () => {
  legacyBundle = await bundleWorkflows(require.resolve('./support/legacy-workflows'));
  const legacy = files.filter((file) => typeOf(file) === LEGACY_RUN_TYPE);
  for (const [options, group] of [
    [{ workflowBundle: legacyBundle }, legacy],
    [replayOptions(), files.filter((file) => !legacy.includes(file))],
  ] as const) {
    const histories = group.map((file) => ({ workflowId: file, history: readHistory(path.join(HISTORIES_DIR, file)) }));
    for await (const { workflowId, error } of Worker.runReplayHistories(options, histories)) replayed.set(workflowId, error);
  }
});

test('the current generations have a history for every recorded scenario, and older ones are kept', () => {
  const namesIn = (generation: string) =>
    files
      .filter((file) => path.dirname(file) === generation)
      .map((file) => path.basename(file, '.json'))
      .sort();
  expect(namesIn(CURRENT_GENERATION)).toEqual(Object.keys(SCENARIOS).sort());
  expect(namesIn(CURRENT_TASK_GENERATION)).toEqual(Object.keys(TASK_SCENARIOS).sort());
  expect(generations.length).toBeGreaterThan(2);
});

test('the worker hosts exactly the workflow types of the one list; every recorded history is of one of them or legacy', () => {
  const types: string[] = Object.values(WORKFLOW_TYPES).sort();
  expect(Object.keys(hostedWorkflows).sort()).toEqual(types);
  const recorded = new Set(files.map(typeOf));
  expect([...recorded].filter((type) => !types.includes(type)).sort()).toEqual([LEGACY_RUN_TYPE]);
});

test("the worker's bundle does not carry the legacy workflow", () => {
  const code = readFileSync(process.env.WORKFLOW_BUNDLE_PATH!, 'utf8');
  expect(code).toContain('wesRunV5');
  expect(code).toContain('wesRunV4');
  expect(code).not.toContain('wes-run-v3');
});

test.each(files)('%s replays deterministically', (file) => {
  expect(replayed.has(file)).toBe(true);
  expect(replayed.get(file)).toBeUndefined();
});

test("a legacy history does not replay on the worker's bundle", async () => {
  const legacy = files.find((file) => typeOf(file) === LEGACY_RUN_TYPE)!;
  await expect(Worker.runReplayHistory(replayOptions(), readHistory(path.join(HISTORIES_DIR, legacy)))).rejects.toThrow(/wesRun/);
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
