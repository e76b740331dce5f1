/** `resume RUN_ID --input JSON|YAML|FILE`: resumes a PAUSED run with an input object. */
import type { Command } from 'commander';
import type { RunStatus } from '../api-client';
import { contextOf } from '../context';
import { printJson } from '../output';
import { withExamples } from '../help';
import { readInputObject } from '../input-object';

export function resumeCommand(program: Command): void {
  const registered = program
    .command('resume')
    .description('resume a run that waits for input (PAUSED); `status RUN_ID` shows what it waits for')
    .argument('<run_id>')
    .option(
      '-i, --input <json|yaml|file>',
      `the input: an object inline, as JSON ('{"approved": true}') or YAML ('approved: true'), or a JSON or YAML file holding one`,
      '{}',
    )
    .action(async (runId: string, options: { input: string }, command: Command) => {
      const { api, json } = contextOf(command);
      const status = await api.json<RunStatus>('POST', `/runs/${encodeURIComponent(runId)}/resume`, readInputObject(options.input));
      if (json) printJson(status);
      else process.stdout.write(`${status.run_id}: ${status.state ?? 'UNKNOWN'}\n`);
    });
  withExamples(registered, [
    'resume RUN_ID                                # a gate without an input schema',
    'resume RUN_ID --input \'{"approved": true}\'    # the input inline',
    'resume RUN_ID --input answer.yaml            # or from a JSON or YAML file',
  ]);
}
