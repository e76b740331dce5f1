/**
 * The loop behind every live stream of a run: poll the read model (shared by all API replicas, so
 * any replica can serve any stream) for the run's state only, not its whole row (whose request
 * may be megabytes of workflow_params), hand each round to the producer, and end with an `end` event
 * once the run is terminal and the producer has sent everything the terminal row implies.
 */
import { Logger } from '@nestjs/common';
import type { RunStore } from '../../../read-model/run-store';
import { isTerminalWesState } from '../../../domain/wes-state';
import type { EventStream } from './event-stream';

/** How often an open stream asks the read model for news (docs/design.md, "Live streams"). */
export const FOLLOW_POLL_MS = 500;

const logger = new Logger('FollowRun');

/**
 * `round` sends what is new. It is called after the run's row is read, so when the row says the
 * run has `ended`, everything written with or before it (its transitions, the engine's last
 * output) is there to send.
 */
export async function followRun(
  stream: EventStream,
  runStore: RunStore,
  runId: string,
  round: (ended: boolean) => Promise<void>,
): Promise<void> {
  try {
    while (!stream.closed) {
      const row = await runStore.status(runId);
      // A run deleted while followed has ended too.
      const ended = !row || isTerminalWesState(row.wesState);
      await round(ended);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the client may leave during round(); TypeScript keeps the loop condition's narrowing across the await
      if (stream.closed) return;
      if (ended) {
        stream.finish('end', { state: row?.wesState ?? 'UNKNOWN' });
        return;
      }
      await stream.sleep(FOLLOW_POLL_MS);
    }
  } catch (error) {
    // The response has begun: no status can change now. The client resumes with Last-Event-ID.
    logger.warn(`stream of ${runId} ended early: ${(error as Error).message}`);
    if (!stream.closed) stream.finish('error', { msg: 'the read model is unavailable; reconnect with Last-Event-ID', status_code: 503 });
  }
}
