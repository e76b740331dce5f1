import type { OperationContext } from '../../activities/provider';

/** A provider operation's context outside an activity: never cancelled, heartbeats go nowhere. */
export const testOperationContext: OperationContext = {
  signal: new AbortController().signal,
  heartbeat: () => undefined,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
