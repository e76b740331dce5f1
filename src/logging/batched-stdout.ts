/**
 * stdout for the JSON lines, written off the critical path (docs/deployment.md, "Logs"): lines are
 * gathered and written asynchronously, a write once 4 KiB have gathered or 200 ms after the first
 * line not yet written, whichever comes first. A request that logs a line then pays for a string
 * copy, not for a write: under load, each write is a system call and a thread-pool hand-off that
 * costs the event loop as much as answering a status request. What is left when the process exits
 * is written synchronously then (pino registers that for its asynchronous destinations).
 */
import pino, { type DestinationStream } from 'pino';

const BATCH_BYTES = 4096;
const BATCH_DELAY_MS = 200;

export function batchedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES });
  let pending: NodeJS.Timeout | undefined;
  return {
    write(line: string) {
      stream.write(line);
      pending ??= setTimeout(() => {
        pending = undefined;
        stream.flush();
      }, BATCH_DELAY_MS).unref();
    },
  };
}
