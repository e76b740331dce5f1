/**
 * Local runs live on the host that launched them: after submission everything goes to that host's
 * task queue, so several worker hosts can share one Temporal. Two worker sets on one task queue
 * play two hosts here (their data dir is shared, as a cluster's shared storage would be).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostTaskQueue } from '../domain/task-queues';
import { createHarness, EXAMPLES, finalSnapshot, waitForSnapshot, type Harness } from './support/harness';

const taskQueue = `hosts-${randomUUID()}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-hosts-'));
let hostA: Harness;
let hostB: Harness;

beforeAll(async () => {
  hostA = await createHarness({ taskQueue, dataDir, hostId: 'host-a' });
  hostB = await createHarness({ taskQueue, dataDir, hostId: 'host-b', startWorker: false });
});
afterAll(async () => {
  await hostA.stop();
  await hostB.stop();
});

const sleepRun = (seconds: number) =>
  hostA.start(
    {
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: path.join(EXAMPLES, 'sleep', 'sleep.cwl'),
      workflow_params: { seconds },
    },
    { provider: 'local' },
  );

/** Which host launched the run (the worker identity names it), and where its poll went. */
async function placement(handle: WorkflowHandle): Promise<{ launchedBy?: string; polledOn?: string }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map(events.map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes]));
  const start = events.find(
    (e) => scheduled.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId))?.activityType?.name === 'startRun',
  );
  const poll = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'awaitRunChange');
  return {
    launchedBy: start?.activityTaskStartedEventAttributes?.identity?.split('@')[1] ?? undefined,
    polledOn: poll?.activityTaskScheduledEventAttributes?.taskQueue?.name ?? undefined,
  };
}

test('each run is followed on the queue of the host that launched it, and waits for that host', async () => {
  // Host A alone launches two runs; then host B comes and host A goes: B launches the next two.
  // A's runs outlast its shutdown's grace time, so that they are still going when it has gone.
  const onA = [await sleepRun(20), await sleepRun(20)];
  await Promise.all(onA.map((handle) => waitForSnapshot(handle, (s) => s.externalId !== undefined)));
  await hostB.startWorker();
  await hostA.stopWorker();
  const onB = [await sleepRun(2), await sleepRun(2)];

  for (const handle of onB) expect((await finalSnapshot(handle)).state).toBe('succeeded');
  for (const [handles, host] of [
    [onA, 'host-a'],
    [onB, 'host-b'],
  ] as const) {
    for (const handle of handles) {
      expect(await placement(handle)).toEqual({ launchedBy: host, polledOn: hostTaskQueue(taskQueue, 'local', host) });
    }
  }
  // Host B does not take host A's runs over: they wait for A, whose engines go on meanwhile.
  for (const handle of onA) expect((await hostB.client.workflow.getHandle(handle.workflowId).describe()).status.name).toBe('RUNNING');

  await hostA.startWorker();
  for (const handle of onA) expect((await finalSnapshot(handle)).state).toBe('succeeded');
}, 120_000);
