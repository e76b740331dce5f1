/** `outputs RUN_ID [--download DIR]`: the run's output files, and saving them; for a task, its steps'. */
import path from 'node:path';
import type { Command } from 'commander';
import { stringifyExactJson } from '../../../domain/exact-json';
import type { ApiClient, RunLog } from '../api-client';
import { contextOf } from '../context';
import { download } from '../download';
import { outputFiles, type OutputFile } from '../output-files';
import { printJson, printTable } from '../output';
import { withExamples } from '../help';
import { taskOutputs, type StepOutputs } from '../task-outputs';
import { isTask } from '../task-rows';

export function outputsCommand(program: Command): void {
  const registered = program
    .command('outputs')
    .description("the run's output files; for a task, its steps' (child runs' files, gates' inputs)")
    .argument('<run_id>')
    .option('-d, --download <dir>', "save every output file into this directory (a task's below DIR/<step id>/)")
    .action(async (runId: string, options: { download?: string }, command: Command) => {
      const { api, json } = contextOf(command);
      const log = await api.json<RunLog>('GET', `/runs/${encodeURIComponent(runId)}`);
      if (isTask(log)) {
        await taskOutputsCommand(api, json, await taskOutputs(api, runId), options.download);
        return;
      }
      const files = await outputFiles(api, runId);
      if (options.download === undefined) {
        if (json) {
          printJson({ files });
          return;
        }
        printTable(
          ['PATH', 'SIZE', 'URL'],
          files.map((file) => [file.path, file.size?.toString() ?? '', file.url]),
        );
        return;
      }
      const saved = await downloadAll(api, files, options.download, json);
      if (json) printJson({ files, saved });
    });
  withExamples(registered, [
    'outputs RUN_ID                       # path, size and download URL of each file',
    'outputs RUN_ID --download results/   # saves them below results/',
  ]);
}

async function taskOutputsCommand(api: ApiClient, json: boolean, steps: StepOutputs[], dir: string | undefined): Promise<void> {
  if (dir !== undefined) {
    const saved: string[] = [];
    // Step ids are identifiers (docs/tasks.md): each a folder name of its own.
    for (const step of steps) saved.push(...(await downloadAll(api, step.files ?? [], path.join(dir, step.step), json)));
    if (json) printJson({ steps, saved });
    return;
  }
  if (json) {
    printJson({ steps });
    return;
  }
  printTable(
    ['STEP', 'OUTPUT', 'SIZE', 'URL OR VALUE'],
    steps.flatMap((step) => [
      ...(step.files ?? []).map((file) => [step.step, file.path, file.size?.toString() ?? '', file.url]),
      ...(step.kind === 'wait_for_input'
        ? [[step.step, '(input)', '', stringifyExactJson(step.values)]]
        : Object.entries(step.values).map(([name, value]) => [step.step, name, '', stringifyExactJson(value)])),
    ]),
  );
}

/** Each file at its path below `dir`; prints where each went, unless --json. */
async function downloadAll(api: ApiClient, files: OutputFile[], dir: string, json: boolean): Promise<string[]> {
  const saved: string[] = [];
  for (const file of files) {
    const target = await download(api, file, dir);
    saved.push(target);
    if (!json) process.stdout.write(`${target}\n`);
  }
  return saved;
}
