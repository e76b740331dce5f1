/**
 * A workflow engine the local provider can run, as data (docs/design.md, "Adding an engine"): which
 * workflow types it runs, how its command line is built, which engine parameters a user may pass,
 * how outputs and jobs are found. Commands are argv arrays handed to a constant shell script as
 * positional parameters: nothing a user sends is ever parsed by a shell. One file per engine beside
 * this one; index.ts lists them.
 */
import { InvalidRunRequestError } from '../../../errors';
import type { TaskReport } from '../../provider';

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

/**
 * A parameter a user may pass in workflow_engine_parameters: a flag (its value null, "" or "true"),
 * an option whose value is checked, or an option of the client's own that the engine is not given
 * (a runner such as toil-wes-cwl-runner forwards every option it does not know; docs/design.md,
 * "Engine parameters").
 */
export type ParameterSpec = { flag: true } | { pattern: RegExp; describe: string } | { clientOnly: true };

export interface LocalEngine {
  /** Also the local provider's setting that names its executable. */
  name: 'cwltool' | 'snakemake';
  /** WES workflow_type values (upper case) → the versions accepted. */
  workflowTypes: Record<string, string[]>;
  parameters: Record<string, ParameterSpec>;
  /** It runs one process of a document named by a workflow_url's #fragment (`wf.cwl#main`). */
  takesFragment?: true;
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

/** What workflow_engine_parameters come to: the engine's argv, and the client's own options, which it is not given. */
export interface EngineParameters {
  argv: string[];
  clientOnly: string[];
}

/** The engine's argv for workflow_engine_parameters, refusing anything not on its allow-list. */
export function engineParameters(engine: LocalEngine, given: Record<string, string | null> | undefined): EngineParameters {
  const argv: string[] = [];
  const clientOnly: string[] = [];
  for (const [name, value] of Object.entries(given ?? {})) {
    // A user's name: `constructor` is no parameter, though the record's prototype has it.
    const spec = Object.hasOwn(engine.parameters, name) ? engine.parameters[name] : undefined;
    if (!spec) {
      throw new InvalidRunRequestError(
        `local: ${engine.name} parameter '${name}' is not allowed (allowed: ${Object.keys(engine.parameters).join(', ')})`,
      );
    }
    if ('clientOnly' in spec) clientOnly.push(name);
    else if ('flag' in spec) {
      if (value !== null && !['', 'true'].includes(value))
        throw new InvalidRunRequestError(`local: ${name} is a flag: give null, "" or "true"`);
      argv.push(name);
    } else {
      if (typeof value !== 'string' || !spec.pattern.test(value)) {
        throw new InvalidRunRequestError(`local: ${name} must be ${spec.describe}`);
      }
      argv.push(name, value);
    }
  }
  return { argv, clientOnly };
}

/** The run's system log line for the client's own options it was sent; undefined when there were none. */
export function clientOnlyNote(engine: LocalEngine, clientOnly: string[]): string | undefined {
  if (clientOnly.length === 0) return undefined;
  return `workflow_engine_parameters ${clientOnly.join(', ')}: options of the client's own, accepted and not passed to ${engine.name}`;
}
