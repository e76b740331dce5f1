/**
 * The workflow engines the local provider can run, as data: which workflow types each runs, how
 * its command line is built, which engine parameters a user may pass, and how outputs are found.
 * Commands are argv arrays handed to a constant shell script as positional parameters: nothing a
 * user sends is ever parsed by a shell.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidRunRequestError } from '../../../errors';
import type { TaskReport } from '../../../provider';
import { repoRoot } from '../../../../src/repo-root';
import { readFileIfExists } from '../../../work-dir';
import { cwltoolJobs } from './cwltool-jobs';
import { snakemakeJobs } from './snakemake-jobs';

export interface EngineCommandInput {
  executable: string;
  workflow: string;
  inputsFile: string;
  outputsDir: string;
  scratchDir: string;
  /** Where the engine reports its jobs (the local provider starts it in the directory above). */
  jobsDir: string;
  /** Validated against the engine's allow-list. */
  parameters: string[];
  /** Variables of the sandbox the engine's jobs must get too (the egress proxy's). */
  passedEnv: string[];
}

/** A parameter a user may pass in workflow_engine_parameters: a flag, or an option whose value is checked. */
type ParameterSpec = { flag: true } | { pattern: RegExp; describe: string };

export interface LocalEngine {
  name: 'cwltool' | 'snakemake';
  /** WES workflow_type values (upper case) → the versions accepted. */
  workflowTypes: Record<string, string[]>;
  parameters: Record<string, ParameterSpec>;
  command(input: EngineCommandInput): string[];
  /** Files of this repository the engine's command names: bound read-only, one by one, into its sandbox. */
  helperFiles: string[];
  /** The run's outputs, once the engine exited 0. */
  outputs(stdoutFile: string, outputsDir: string): Promise<Record<string, unknown>>;
  /** The jobs the engine has reported so far (docs/design.md, "Tasks"). */
  jobs(files: EngineFiles): Promise<TaskReport[]>;
}

/** Where a run's engine writes. */
export interface EngineFiles {
  stderrFile: string;
  outputsDir: string;
  jobsDir: string;
}

/** Appends Snakemake's messages about jobs to jobs/events.jsonl of the directory it starts in. */
const SNAKEMAKE_LOG_HANDLER = path.join(repoRoot, 'activities', 'providers', 'local', 'engines', 'snakemake-log-handler.py');

const positiveInt = { pattern: /^[1-9][0-9]{0,3}$/, describe: 'a positive integer' };

export const CWLTOOL: LocalEngine = {
  name: 'cwltool',
  workflowTypes: { CWL: ['v1.0', 'v1.1', 'v1.2'] },
  parameters: {
    '--parallel': { flag: true },
    '--timestamps': { flag: true },
    '--debug': { flag: true },
    '--strict-memory-limit': { flag: true },
    '--on-error': { pattern: /^(stop|continue)$/, describe: 'stop or continue' },
  },
  command: ({ executable, workflow, inputsFile, outputsDir, scratchDir, jobsDir, parameters, passedEnv }) => [
    executable,
    '--disable-color',
    // cwltool gives its tools PATH, HOME and TMPDIR only, unless told.
    ...passedEnv.flatMap((name) => ['--preserve-environment', name]),
    // Its log is its report of its jobs (cwltool-jobs.ts): timed, with each job's stdout and stderr kept.
    '--timestamps',
    '--log-dir',
    jobsDir,
    '--outdir',
    outputsDir,
    // A trailing separator makes cwltool create its temp dirs inside the scratch dir, not beside it.
    '--tmpdir-prefix',
    scratchDir + path.sep,
    '--tmp-outdir-prefix',
    scratchDir + path.sep,
    ...parameters,
    workflow,
    inputsFile,
  ],
  helperFiles: [],
  // cwltool prints the CWL output object on stdout.
  async outputs(stdoutFile) {
    try {
      const parsed: unknown = JSON.parse(await readFile(stdoutFile, 'utf8'));
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  },
  async jobs({ stderrFile, jobsDir }) {
    return cwltoolJobs((await readFileIfExists(stderrFile)) ?? '', jobsDir);
  },
};

export const SNAKEMAKE: LocalEngine = {
  name: 'snakemake',
  workflowTypes: { SMK: ['1.0'], SNAKEMAKE: ['1.0'] },
  parameters: {
    '--cores': positiveInt,
    '--keep-going': { flag: true },
    '--rerun-incomplete': { flag: true },
    '--printshellcmds': { flag: true },
  },
  // Its jobs get its whole environment.
  command: ({ executable, workflow, inputsFile, outputsDir, parameters }) => [
    executable,
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

export const LOCAL_ENGINES = [CWLTOOL, SNAKEMAKE];

export function engineForType(workflowType: string): LocalEngine | undefined {
  return LOCAL_ENGINES.find((engine) => workflowType.toUpperCase() in engine.workflowTypes);
}

/** The engine's argv for workflow_engine_parameters, refusing anything not on its allow-list. */
export function engineParameters(engine: LocalEngine, given: Record<string, string> | undefined): string[] {
  const argv: string[] = [];
  for (const [name, value] of Object.entries(given ?? {})) {
    const spec = engine.parameters[name];
    if (!spec) {
      throw new InvalidRunRequestError(
        `local: ${engine.name} parameter '${name}' is not allowed (allowed: ${Object.keys(engine.parameters).join(', ')})`,
      );
    }
    if ('flag' in spec) {
      if (!['', 'true'].includes(String(value))) throw new InvalidRunRequestError(`local: ${name} is a flag: give "" or "true"`);
      argv.push(name);
    } else {
      if (typeof value !== 'string' || !spec.pattern.test(value)) {
        throw new InvalidRunRequestError(`local: ${name} must be ${spec.describe}`);
      }
      argv.push(name, value);
    }
  }
  return argv;
}
