/** What a workflow costs Temporal, counted in history events over every execution of its id. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const CLOSE_TIMEOUT_MS = 60_000;

export interface WorkflowHistory {
  executions: number;
  events: number;
  /** Event type → count, over all executions. */
  byType: Record<string, number>;
}

/**
 * Waits until the workflow has closed (WES can report COMPLETE before the workflow's last tasks),
 * then walks its continue-as-new chain backwards from the latest execution.
 */
export async function workflowHistory(client: Client, workflowId: string): Promise<WorkflowHistory> {
  const latest = client.workflow.getHandle(workflowId);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workflow ${workflowId} did not close within ${CLOSE_TIMEOUT_MS} ms`)), CLOSE_TIMEOUT_MS);
  });
  // A failed workflow still has a history to count; whether the run succeeded is the caller's concern.
  await Promise.race([latest.result().catch(() => undefined), timeout]).finally(() => clearTimeout(timer));

  const result: WorkflowHistory = { executions: 0, events: 0, byType: {} };
  let runId: string | undefined;
  do {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    result.executions++;
    result.events += events.length;
    for (const event of events) {
      const type = eventTypeName(event);
      result.byType[type] = (result.byType[type] ?? 0) + 1;
    }
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  } while (runId);
  return result;
}

/** The enum's reverse mapping, by number; a number this proto does not know has no name. */
const EVENT_TYPE_NAMES: Record<number, string | undefined> = temporal.api.enums.v1.EventType;

function eventTypeName(event: temporal.api.history.v1.IHistoryEvent): string {
  const name = EVENT_TYPE_NAMES[event.eventType ?? 0];
  return (name ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
}
