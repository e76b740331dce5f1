/** `outputs RUN_ID [--download DIR]`: the run's output files, and saving them. */
import type { Command } from 'commander';
import { contextOf } from '../context';
import { download } from '../download';
import { outputFiles } from '../output-files';
import { printJson, printTable } from '../output';
import { withExamples } from '../help';

export function outputsCommand(program: Command): void {
  const registered = program
    .command('outputs')
    .description("the run's output files")
    .argument('<run_id>')
    .option('-d, --download <dir>', 'save every output file into this directory')
    .action(async (runId: string, options: { download?: string }, command: Command) => {
      const { api, json } = contextOf(command);
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
      const saved: string[] = [];
      for (const file of files) {
        const target = await download(api, file, options.download);
        saved.push(target);
        if (!json) process.stdout.write(`${target}\n`);
      }
      if (json) printJson({ files, saved });
    });
  withExamples(registered, [
    'outputs RUN_ID                       # path, size and download URL of each file',
    'outputs RUN_ID --download results/   # saves them below results/',
  ]);
}
