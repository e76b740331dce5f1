/**
 * Each provider's activities run on a task queue of their own, polled by workers with their own
 * concurrency limit, so that a slow or saturated engine cannot starve the others. A provider whose
 * runs live on the host that launched them (local engines) is followed on that host's own queue.
 * Pure: used by the workflow (where to schedule) and the worker (what to poll).
 */
export function providerTaskQueue(runTaskQueue: string, provider: string): string {
  return `${runTaskQueue}.provider.${provider}`;
}

export function hostTaskQueue(runTaskQueue: string, provider: string, hostId: string): string {
  return `${providerTaskQueue(runTaskQueue, provider)}.host.${hostId}`;
}
