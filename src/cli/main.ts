/**
 * The entry point of `durable-wes` (bin/durable-wes.js): runs the program and turns what it threw
 * into a message on stderr and an exit code (src/cli/exit-codes.ts); under --json the message is a
 * JSON object, `{"error": {"msg", "exit_code", "status_code"?}}`, and stdout stays empty.
 */
import { CommanderError } from 'commander';
import { CliError, EXIT } from './exit-codes';
import { printError } from './output';
import { createProgram } from './program';

/** `version`: package.json's, which bin/durable-wes.js reads (the bundle has no fixed place in the repository). */
export async function main(argv: string[], version: string): Promise<number> {
  quietOnClosedPipe();
  // Known before parsing, so that a usage error is JSON too; `--` ends the options.
  const json = argv.slice(2, argv.includes('--') ? argv.indexOf('--') : undefined).includes('--json');
  try {
    await createProgram(version, { json }).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // The help or the version, printed already.
      if (error.exitCode === 0) return EXIT.ok;
      // Commander has printed its message, unless under --json (program.ts).
      const message =
        error.code === 'commander.help' ? 'no command given: durable-wes --help lists them' : error.message.replace(/^error: /, '');
      if (json) printError(message, EXIT.usage, undefined, true);
      return EXIT.usage;
    }
    const code = error instanceof CliError ? error.code : EXIT.server;
    printError(error instanceof Error ? error.message : String(error), code, error instanceof CliError ? error.status : undefined, json);
    return code;
  }
}

/**
 * A reader that stops early (`status … | head -2`) closes the pipe: the rest is not wanted, which
 * is no error to report, so the command ends at once and quietly.
 */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
      throw error;
    });
  }
}
