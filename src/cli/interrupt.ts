/**
 * Ctrl-C while the CLI follows a run (`submit --wait`, `--follow`): the run is the server's and goes
 * on; the CLI says so and how to cancel it, on stderr, and exits 130 as a shell does for SIGINT.
 */
import type { CommandLine } from './command-line';
import { EXIT } from './exit-codes';

/** Runs `work` with Ctrl-C answered; `cleanup` first puts the terminal back (a spinner's hidden cursor). */
export async function untilInterrupted<T>(runId: string, cli: CommandLine, work: () => Promise<T>, cleanup?: () => void): Promise<T> {
  const interrupted = (): void => {
    cleanup?.();
    process.stderr.write(`\nstopped following: run ${runId} goes on on the server; to cancel it: ${cli('cancel', runId)}\n`);
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', interrupted);
  try {
    return await work();
  } finally {
    process.off('SIGINT', interrupted);
  }
}
