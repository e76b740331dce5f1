/**
 * Snakemake, run in its own copy of the project (snakemake-project.ts); its jobs are reported by a
 * log handler of ours: snakemake-log-handler.py for Snakemake 7, the logger plugin
 * snakemake-logger-plugin-durable-wes/ for Snakemake 9, which replaced log handler scripts.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { realpathOrUndefined } from '../../../paths';
import { repoRoot } from '../../../repo-root';
import { readFileIfExists } from '../../../work-dir';
import type { EngineCommandInput, LocalEngine } from './engine';
import { producedFiles, snakemakeJobs } from './snakemake-jobs';
import { copyProject, ENGINE_RECORDS, linkProduced, PROJECT_DIR, projectLayout } from './snakemake-project';
import type { Containers } from '../settings';

/** Appends Snakemake 7's messages about jobs to jobs/events.jsonl of the directory it starts in. */
const SNAKEMAKE_LOG_HANDLER = path.join(repoRoot, 'activities', 'providers', 'local', 'engines', 'snakemake-log-handler.py');

/** Where both write the jobs' events, in the jobs dir. */
const EVENTS = 'events.jsonl';

const positiveInt = { pattern: /^[1-9][0-9]{0,3}$/, describe: 'a positive integer' };

/** The options that make Snakemake report its jobs to EVENTS. */
function jobEvents({ version, jobsDir }: EngineCommandInput): string[] {
  const major = Number(version.split('.')[0]);
  return major >= 9
    ? ['--logger', 'durable-wes', '--logger-durable-wes-events', path.join(jobsDir, EVENTS)]
    : ['--log-handler-script', SNAKEMAKE_LOG_HANDLER];
}

/**
 * Snakemake's software deployment method for the provider's containers setting (docs/deployment.md,
 * "Containers"): Apptainer (Singularity's successor) is its one container method, named so from
 * Snakemake 8 on, `--use-singularity` before. It has none for Docker or Podman: with those, a rule's
 * `container:` is not used, as with none.
 */
export function snakemakeContainerFlags(containers: Containers, version: string): string[] {
  if (containers !== 'singularity' && containers !== 'apptainer') return [];
  return Number(version.split('.')[0]) >= 8 ? ['--software-deployment-method', 'apptainer'] : ['--use-singularity'];
}

export const SNAKEMAKE: LocalEngine = {
  name: 'snakemake',
  workflowTypes: { SMK: ['1.0'], SNAKEMAKE: ['1.0'] },
  // The current release; and the last Snakemake 7, with the PuLP its scheduler was written against.
  releases: {
    default: '9.27.1',
    pip: {
      // Snakemake 9 reports its jobs through our logger plugin (snakemake-logger-plugin-durable-wes/), installed beside it.
      '9.27.1': ['snakemake==9.27.1', './activities/providers/local/engines/snakemake-logger-plugin-durable-wes'],
      '7.32.4': ['snakemake==7.32.4', 'pulp<2.8'],
    },
  },
  fileInputs: 'locations',
  parameters: {
    '--cores': positiveInt,
    '--keep-going': { flag: true },
    '--rerun-incomplete': { flag: true },
    '--printshellcmds': { flag: true },
  },
  // Its jobs get its whole environment.
  command: (input) => {
    const { snakefile, dir } = projectLayout(input.workflow, input.workDir);
    return [
      input.executable,
      ...snakemakeContainerFlags(input.containers, input.version),
      '--snakefile',
      snakefile,
      ...jobEvents(input),
      '--directory',
      dir,
      // workflow_params, over the project's own configfile: nested objects merge key by key.
      '--configfile',
      input.inputsFile,
      '--nocolor',
      // The default of one core, unless the user asked for more (a later --cores wins).
      '--cores',
      '1',
      ...input.parameters,
    ];
  },
  helperFiles: [SNAKEMAKE_LOG_HANDLER],
  workingDir: {
    name: PROJECT_DIR,
    fill: ({ workflow, workDir }) => copyProject(projectLayout(workflow, workDir)),
  },
  // Snakemake has no output object: the files its jobs produced are its outputs.
  async outputs(_stdoutFile, { outputsDir, workDir, jobsDir }) {
    const events = (await readFileIfExists(path.join(jobsDir, EVENTS))) ?? '';
    await linkProduced(path.join(workDir, PROJECT_DIR), producedFiles(events), outputsDir);
    const outputs: Record<string, unknown> = {};
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        // Left out for runs launched before runs had a project, whose Snakemake ran in outputs/.
        if (entry.isDirectory() && entry.name !== ENGINE_RECORDS) await walk(full);
        else if (entry.isFile()) {
          const relative = path.relative(outputsDir, full);
          outputs[relative] = { class: 'File', location: pathToFileURL(full).href, basename: entry.name, size: (await stat(full)).size };
        }
      }
    };
    await walk(outputsDir);
    return outputs;
  },
  async jobs({ jobsDir, workDir, outputsDir }) {
    const project = path.join(workDir, PROJECT_DIR);
    // Where the rules' log files are named from: outputs/ for a run launched before runs had a project.
    const directory = (await realpathOrUndefined(project)) === undefined ? outputsDir : project;
    return snakemakeJobs((await readFileIfExists(path.join(jobsDir, EVENTS))) ?? '', directory);
  },
};
