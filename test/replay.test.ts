/**
 * Every committed history must replay on today's workflow code: runs in flight when a new worker
 * is deployed continue on it. A failure here means a change needs `patched()`, not a new history.
 */
import { Worker } from '@temporalio/worker';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readHistory } from './support/history-file';
import { HISTORIES_DIR, SCENARIOS } from './support/record-histories';

const files = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));
const replayOptions = () => ({ workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! } });

test('there is a committed history for every recorded scenario', () => {
  expect(files.map((file) => path.basename(file, '.json')).sort()).toEqual(Object.keys(SCENARIOS).sort());
});

test.each(files)('%s replays deterministically', async (file) => {
  await expect(Worker.runReplayHistory(replayOptions(), readHistory(path.join(HISTORIES_DIR, file)))).resolves.toBeUndefined();
});

test('a history the code would not produce is detected', async () => {
  const history = readHistory(path.join(HISTORIES_DIR, 'simulated-success.json'));
  const scheduled = history.events.find((e) => e.activityTaskScheduledEventAttributes)!;
  scheduled.activityTaskScheduledEventAttributes!.activityType!.name = 'someOtherActivity';
  await expect(Worker.runReplayHistory(replayOptions(), history)).rejects.toMatchObject({
    name: 'DeterminismViolationError',
    message: expect.stringContaining('someOtherActivity'),
  });
});
