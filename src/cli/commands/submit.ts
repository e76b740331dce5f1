/** `submit WORKFLOW`: a run of a local workflow (uploaded with its files and inputs) or of a URL. */
import { Option, type Command } from 'commander';
import { contextOf } from '../context';
import { collectKeyValue, TAG_SEPARATORS } from '../key-value';
import { printJson } from '../output';
import { runForm, type RunFormOptions } from '../run-form';
import { LARGE_UPLOAD } from '../upload-size';
import { waitForRun } from '../wait';
import { KNOWN_TYPES } from '../workflow-type';
import { withExamples } from '../help';

interface SubmitOptions extends RunFormOptions {
  idempotencyKey?: string;
  wait?: boolean;
}

export function submitCommand(program: Command): void {
  const registered = program
    .command('submit')
    .summary('submit a run of a workflow file (CWL, Snakemake, WDL, DWES-TASK) or URL')
    .description(
      'submit a run of WORKFLOW: a local file (uploaded, with the files it imports and the inputs --params names) or a URL. ' +
        `Its type is known for ${KNOWN_TYPES}; give --type for anything else`,
    )
    .argument('<workflow>', 'a workflow file, or an http(s) URL')
    .option('-p, --params <file>', 'the workflow parameters (JSON or YAML); local File/Directory inputs are uploaded')
    .option(
      '-t, --type <type>',
      'workflow_type (CWL, SMK, WDL, DWES-TASK); known from a .cwl, Snakefile, .smk or .wdl file and a dwes_task: document',
    )
    .option('--type-version <version>', 'workflow_type_version; CWL: the cwlVersion of the file')
    .option('--engine <name>', 'workflow_engine')
    .option('--engine-version <version>', 'workflow_engine_version')
    .addOption(
      new Option(
        '--engine-param <key=value>',
        'a workflow_engine_parameters entry, its key with or without dashes (cores=2 or --cores=2); repeatable',
      )
        .argParser(collectKeyValue(['=']))
        .default({}, 'none'),
    )
    .addOption(
      new Option('--tag <key=value>', 'a tag of the run (key=value or key:value); repeatable')
        .argParser(collectKeyValue(TAG_SEPARATORS))
        .default({}, 'none'),
    )
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
  withExamples(registered, [
    'submit wc.cwl --params job.yaml --wait            # CWL, its inputs uploaded; exit code: how it ended',
    'submit workflow/Snakefile --params config.yaml     # a Snakemake project (also a .smk file)',
    'submit task.yaml --params params.json              # a DWES-TASK document (it has a dwes_task: key)',
    'submit hello.wdl --params inputs.json              # WDL (its version line gives the version)',
    'submit Snakefile --engine-param cores=2 --tag project=x  # an engine parameter (or --cores=2), a tag',
    'submit https://example.org/wf.cwl --type-version v1.2 --json  # a URL the server fetches',
  ]);
}
