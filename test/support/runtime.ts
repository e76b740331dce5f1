import { DefaultLogger, IllegalStateError, Runtime } from '@temporalio/worker';

/**
 * Keeps test output readable: the SDK logs every failed activity attempt, and the tests fail
 * activities on purpose. Installed once per process (global set-up and in-band test files share it).
 */
export function installQuietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
