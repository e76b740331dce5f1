/**
 * A task's logs (`logs TASK_RUN_ID`): its child runs' stdout (or stderr), each under a header that
 * names its step. Followed, each child in the order the task began them, to its end, then the next
 * as the task starts it, until the task has ended.
 */
import { isTerminalWesState } from '../../domain/wes-state';
import type { ApiClient, RunStatus } from './api-client';
import { followStream } from './event-stream';
import { CliError, EXIT } from './exit-codes';
import { kindOf, taskRows, taskTree } from './task-rows';

export interface ChildLog {
  step: string;
  run_id: string;
  text: string;
}

interface Child {
  step: string;
  runId: string;
}

/** How often a followed task is asked for children it has not yet started. */
const NEW_CHILD_POLL_MS = 1_000;

async function children(api: ApiClient, runId: string): Promise<Child[]> {
  return taskTree(await taskRows(api, runId)).flatMap(({ row }) =>
    kindOf(row) === 'run' && row.child_run_id !== undefined ? [{ step: row.id, runId: row.child_run_id }] : [],
  );
}

const logPath = (runId: string, stream: string): string => `/runs/${encodeURIComponent(runId)}/logs/${stream}`;

/** A child the task named but could not start has no run, and so no log. */
function noRun(error: unknown): string {
  if (error instanceof CliError && error.code === EXIT.notFound) return '';
  throw error;
}

export async function taskLogs(api: ApiClient, runId: string, stream: string): Promise<ChildLog[]> {
  const logs: ChildLog[] = [];
  for (const child of await children(api, runId)) {
    const text = await api
      .fetch(logPath(child.runId, stream))
      .then((response) => response.text())
      .catch(noRun);
    logs.push({ step: child.step, run_id: child.runId, text });
  }
  return logs;
}

/** Calls `onChild` as each child's log begins and `onText` for what it holds; returns the task's state at its end. */
export async function followTaskLogs(
  api: ApiClient,
  runId: string,
  stream: string,
  onChild: (child: ChildLog) => void,
  onText: (child: ChildLog, text: string) => void,
): Promise<string> {
  const followed = new Set<string>();
  for (;;) {
    // Read before the children: once it has ended, the children read after are all there will be.
    const { state = 'UNKNOWN' } = await api.json<RunStatus>('GET', `/runs/${encodeURIComponent(runId)}/status`);
    const fresh = (await children(api, runId)).filter((child) => !followed.has(child.runId));
    for (const { step, runId: childId } of fresh) {
      followed.add(childId);
      const child = { step, run_id: childId, text: '' };
      onChild(child);
      await followStream(
        api,
        `${logPath(childId, stream)}?follow=true`,
        ({ data }) => onText(child, (data as { text: string }).text),
        (text) => onText(child, text),
      ).catch(noRun);
    }
    if (isTerminalWesState(state)) return state;
    if (fresh.length === 0) await new Promise((resolve) => setTimeout(resolve, NEW_CHILD_POLL_MS));
  }
}
