/**
 * Every workflow under examples/ and the test that runs it as shipped, through the API, to its end
 * (docs/quickstart.md, "How the examples are tested"). test/static/doc-examples.test.ts checks that
 * a new example is added here; test/doc-examples.test.ts runs those marked `here`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './doc-examples';

export type ExampleRun =
  /** Run by test/doc-examples.test.ts on the shipped providers: its params file (beside it), the state it ends in. */
  | { here: { params?: string; type: string; version: string; state: 'COMPLETE' | 'EXECUTOR_ERROR' } }
  /** Run from a document (README.md or docs/), or by the test file named, which names the example. */
  | { by: string };

const CWL = { type: 'CWL', version: 'v1.2' };

export const EXAMPLE_RUNS: Record<string, ExampleRun> = {
  'examples/hello-world/hello.cwl': { here: { ...CWL, params: 'inputs.json', state: 'COMPLETE' } },
  'examples/scatter/scatter.cwl': { here: { ...CWL, state: 'COMPLETE' } },
  'examples/sleep/sleep.cwl': { here: { ...CWL, params: 'job.yaml', state: 'COMPLETE' } },
  // The example of a failing tool: it fails as it says it does.
  'examples/fail/fail.cwl': { here: { ...CWL, state: 'EXECUTOR_ERROR' } },
  'examples/snakemake-hello/Snakefile': { here: { type: 'SMK', version: '1.0', state: 'COMPLETE' } },
  'examples/wdl-sleep/sleep.wdl': { here: { type: 'WDL', version: '1.0', params: 'inputs.json', state: 'COMPLETE' } },
  'examples/tasks/fan-out.yaml': { here: { type: 'DWES-TASK', version: '1.0', state: 'COMPLETE' } },
  'examples/word-count/wc.cwl': { by: 'README.md' },
  'examples/snakemake-project/workflow/Snakefile': { by: 'docs/quickstart.md' },
  'examples/tasks/review-and-publish.yaml': { by: 'README.md' },
  'examples/wdl-hello/hello.wdl': { by: 'test/api/wdl-runs.test.ts' },
  'examples/wdl-scatter/scatter.wdl': { by: 'test/api/wdl-runs.test.ts' },
};

/** The workflows under examples/, found by what they are: CWL, Snakefiles, WDL, DWES-TASK documents (not a Snakefile's includes). */
export function exampleWorkflows(dir = path.join(ROOT, 'examples')): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => {
      const name = path.basename(file);
      if (name === 'Snakefile' || name.endsWith('.cwl') || name.endsWith('.wdl')) return true;
      return /\.(ya?ml|json)$/.test(name) && /^dwes_task:/m.test(readFileSync(path.join(ROOT, file), 'utf8'));
    })
    .sort();
}
