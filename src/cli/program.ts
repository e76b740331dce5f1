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
import { exitCodesHelp, withExamples } from './help';

export interface ProgramOptions {
  /** --json was given: a usage error is main.ts's to print, as JSON, and no help follows it. */
  json: boolean;
}

export function createProgram(version: string, { json }: ProgramOptions = { json: false }): Command {
  const program = new Command('durable-wes')
    .description('Submit, follow and control the runs of a durable-wes (GA4GH WES) server.')
    .version(version)
    // Not WES_*: the server refuses WES_ variables it does not know, and a shell may hold both.
    .addOption(new Option('--url <url>', 'the WES API').env('DURABLE_WES_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'a bearer token').env('DURABLE_WES_TOKEN'))
    .option(
      '--json',
      'print JSON for scripts instead of text for people; an error is then {"error": {"msg", "exit_code", "status_code"}} on stderr',
    )
    .configureHelp({ showGlobalOptions: true })
    // Set before the commands are added: they inherit it.
    .configureOutput({
      outputError: (message, write) => {
        if (!json) write(message);
      },
      // The help shown for a missing command, on stderr: under --json, main.ts says it in JSON instead.
      writeErr: (text) => json || process.stderr.write(text),
    })
    .showHelpAfterError(!json)
    .exitOverride();
  withExamples(program, [
    'submit wc.cwl --params job.yaml --wait       # run a CWL workflow and its inputs, and wait for its end',
    'list --state RUNNING,PAUSED --tag project=x  # the runs that go on',
    'status RUN_ID --json | jq -r .state          # for scripts',
    "submit --help                                # a command's own help",
  ]);
  program.addHelpText('after', exitCodesHelp());
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
