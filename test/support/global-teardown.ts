import type { TestWorkflowEnvironment } from '@temporalio/testing';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as { testServers?: { temporal: TestWorkflowEnvironment; stopPostgres: () => Promise<void> } }).testServers;
  await servers?.temporal.teardown();
  await servers?.stopPostgres();
}
