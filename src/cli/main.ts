/**
 * The entry point of `durable-wes` (bin/durable-wes.js): runs the program and turns what it threw
 * into a message on stderr and an exit code (src/cli/exit-codes.ts).
 */
import { CommanderError } from 'commander';
import { packageVersion } from '../../activities/repo-root';
import { CliError, EXIT } from './exit-codes';
import { createProgram } from './program';

export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram(packageVersion()).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    // Commander has printed its message (or the help, or the version) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const code = error instanceof CliError ? error.code : EXIT.server;
    process.stderr.write(`durable-wes: ${error instanceof Error ? error.message : String(error)}\n`);
    return code;
  }
}
