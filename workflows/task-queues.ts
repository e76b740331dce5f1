/**
 * Each provider's activities run on a task queue of their own, polled by workers with their own
 * concurrency limit, so that a slow or saturated engine cannot starve the others.
 * Pure: used by the workflow (where to schedule) and the worker (what to poll).
 */
export function providerTaskQueue(runTaskQueue: string, provider: string): string {
  return `${runTaskQueue}.provider.${provider}`;
}
