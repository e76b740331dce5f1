/** `submit WORKFLOW`: a run of a local workflow (uploaded with its files and inputs) or of a URL. */
import { Option, type Command } from 'commander';
import { contextOf } from '../context';
import { collectKeyValue } from '../key-value';
import { printJson } from '../output';
import { runForm, type RunFormOptions } from '../run-form';
import { LARGE_UPLOAD } from '../upload-size';
import { waitForRun } from '../wait';

interface SubmitOptions extends RunFormOptions {
  idempotencyKey?: string;
  wait?: boolean;
}

export function submitCommand(program: Command): void {
  program
    .command('submit')
    .description('submit a run of WORKFLOW: a local file (uploaded, with the files it imports and the inputs --params names) or a URL')
    .argument('<workflow>', 'a workflow file, or an http(s) URL')
    .option('-p, --params <file>', 'the workflow parameters (JSON or YAML); local File/Directory inputs are uploaded')
    .option('-t, --type <type>', 'workflow_type (CWL, SMK, DWES-TASK, ...); guessed from a .cwl or Snakefile name')
    .option('--type-version <version>', 'workflow_type_version; CWL: the cwlVersion of the file')
    .option('--engine <name>', 'workflow_engine')
    .option('--engine-version <version>', 'workflow_engine_version')
    .addOption(
      new Option('--engine-param <key=value>', 'a workflow_engine_parameters entry; repeatable')
        .argParser(collectKeyValue('='))
        .default({}, 'none'),
    )
    .addOption(new Option('--tag <key=value>', 'a tag of the run; repeatable').argParser(collectKeyValue('=')).default({}, 'none'))
    .option(
      '--attach <path...>',
      'files or folders to upload beside the workflow, named by their paths below the folder holding them all; repeatable',
    )
    .option(
      '-y, --yes',
      `send an upload of more than ${LARGE_UPLOAD.files} files or ${LARGE_UPLOAD.bytes / 2 ** 20} MB (else the CLI says what it would send, and stops)`,
    )
    .option('--provider <name>', 'the provider to run on (the wes_provider tag)')
    .option('--require-approval', 'hold the run in PAUSED until resumed')
    .option('--idempotency-key <key>', 'makes the submission safe to retry')
    .option('-w, --wait', 'follow the run to its end: its state, its output, then its outputs; the exit code says how it ended')
    .action(async (workflow: string, options: SubmitOptions, command: Command) => {
      const context = contextOf(command);
      const form = runForm(workflow, options);
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
      const response = await context.api.fetch('/runs', { method: 'POST', body: form }, headers);
      const { run_id: runId } = (await response.json()) as { run_id: string };
      if (!options.wait) {
        if (context.json) printJson({ run_id: runId });
        else process.stdout.write(`${runId}\n`);
        return;
      }
      process.exitCode = await waitForRun(context, runId);
    });
}
