/** The `durable-wes` command line (README, "CLI"): its global options and its commands. */
import { Command, Option } from 'commander';
import { DEFAULT_URL } from './api-client';
import { cancelCommand } from './commands/cancel';
import { listCommand } from './commands/list';
import { logsCommand } from './commands/logs';
import { outputsCommand } from './commands/outputs';
import { resumeCommand } from './commands/resume';
import { statusCommand } from './commands/status';
import { submitCommand } from './commands/submit';
import { tasksCommand } from './commands/tasks';
import { transitionsCommand } from './commands/transitions';

export function createProgram(version: string): Command {
  const program = new Command('durable-wes')
    .description('Submit, follow and control the runs of a durable-wes (GA4GH WES) server.')
    .version(version)
    // Not WES_*: the server refuses WES_ variables it does not know, and a shell may hold both.
    .addOption(new Option('--url <url>', 'the WES API').env('DURABLE_WES_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'a bearer token').env('DURABLE_WES_TOKEN'))
    .option('--json', 'print JSON for scripts instead of text for people')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    submitCommand,
    statusCommand,
    listCommand,
    logsCommand,
    cancelCommand,
    resumeCommand,
    transitionsCommand,
    outputsCommand,
    tasksCommand,
  ]) {
    register(program);
  }
  // Subcommands throw their usage errors to the caller too, rather than exit on their own.
  for (const command of program.commands) command.exitOverride();
  return program;
}
