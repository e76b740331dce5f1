/** Snakemake; its jobs are reported by a log handler of ours (snakemake-log-handler.py). */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../../repo-root';
import { readFileIfExists } from '../../../work-dir';
import type { LocalEngine } from './engine';
import type { Containers } from '../settings';
import { snakemakeJobs } from './snakemake-jobs';

/** Appends Snakemake's messages about jobs to jobs/events.jsonl of the directory it starts in. */
const SNAKEMAKE_LOG_HANDLER = path.join(repoRoot, 'activities', 'providers', 'local', 'engines', 'snakemake-log-handler.py');

const positiveInt = { pattern: /^[1-9][0-9]{0,3}$/, describe: 'a positive integer' };

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
  fileInputs: 'locations',
  parameters: {
    '--cores': positiveInt,
    '--keep-going': { flag: true },
    '--rerun-incomplete': { flag: true },
    '--printshellcmds': { flag: true },
  },
  // Its jobs get its whole environment.
  command: ({ executable, workflow, inputsFile, outputsDir, parameters, containers, version }) => [
    executable,
    ...snakemakeContainerFlags(containers, version),
    '--snakefile',
    workflow,
    '--log-handler-script',
    SNAKEMAKE_LOG_HANDLER,
    '--directory',
    outputsDir,
    '--configfile',
    inputsFile,
    '--nocolor',
    // The default of one core, unless the user asked for more (a later --cores wins).
    '--cores',
    '1',
    ...parameters,
  ],
  helperFiles: [SNAKEMAKE_LOG_HANDLER],
  // Snakemake has no output object: every file the workflow left in its directory is an output.
  async outputs(_stdoutFile, outputsDir) {
    const outputs: Record<string, unknown> = {};
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== '.snakemake') await walk(full);
        else if (entry.isFile()) {
          const relative = path.relative(outputsDir, full);
          outputs[relative] = { class: 'File', location: pathToFileURL(full).href, basename: entry.name, size: (await stat(full)).size };
        }
      }
    };
    await walk(outputsDir);
    return outputs;
  },
  async jobs({ jobsDir, outputsDir }) {
    return snakemakeJobs((await readFileIfExists(path.join(jobsDir, 'events.jsonl'))) ?? '', outputsDir);
  },
};
