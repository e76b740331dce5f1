/** `resume RUN_ID --input FILE|JSON`: resumes a PAUSED run with an input object. */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { parseExactJson } from '../../../domain/exact-json';
import type { RunStatus } from '../api-client';
import { contextOf } from '../context';
import { CliError, EXIT } from '../exit-codes';
import { printJson } from '../output';
import { withExamples } from '../help';

export function resumeCommand(program: Command): void {
  const registered = program
    .command('resume')
    .description('resume a run that waits for input (PAUSED)')
    .argument('<run_id>')
    .option('-i, --input <file|json>', 'the input: a JSON object, or a JSON or YAML file holding one', '{}')
    .action(async (runId: string, options: { input: string }, command: Command) => {
      const { api, json } = contextOf(command);
      const status = await api.json<RunStatus>('POST', `/runs/${encodeURIComponent(runId)}/resume`, resumeInput(options.input));
      if (json) printJson(status);
      else process.stdout.write(`${status.run_id}: ${status.state ?? 'UNKNOWN'}\n`);
    });
  withExamples(registered, [
    'resume RUN_ID                                # a gate without an input schema',
    'resume RUN_ID --input \'{"approved": true}\'    # the input inline',
    'resume RUN_ID --input answer.yaml            # or from a JSON or YAML file',
  ]);
}

/** Text that starts like JSON is the input itself; anything else names a file. */
function resumeInput(input: string): Record<string, unknown> {
  const inline = /^\s*[{[]/.test(input);
  if (!inline && !existsSync(input)) throw new CliError(`--input ${input}: neither a JSON object nor a file`, EXIT.usage);
  let value: unknown;
  try {
    value = inline ? parseExactJson(input) : parse(readFileSync(input, 'utf8'));
  } catch (error) {
    throw new CliError(`--input: ${(error as Error).message}`, EXIT.usage);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CliError('--input: the input must be a JSON object', EXIT.usage);
  return value as Record<string, unknown>;
}
