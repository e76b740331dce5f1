/**
 * A workflow engine the local provider can run, as data (docs/design.md, "Adding an engine"): which
 * workflow types it runs, how its command line is built, which engine parameters a user may pass,
 * how outputs and jobs are found. Commands are argv arrays handed to a constant shell script as
 * positional parameters: nothing a user sends is ever parsed by a shell. One file per engine beside
 * this one; index.ts lists them.
 */
import { InvalidRunRequestError } from '../../../errors';
import type { TaskReport } from '../../provider';
import type { Containers } from '../settings';

export interface EngineCommandInput {
  executable: string;
  /** The engine's version being run: one of its releases (the command may differ between them). */
  version: string;
  /** The run's work dir (the layout at the top of ../runner.ts). */
  workDir: string;
  /** The container runtime the provider's setting names for its jobs (docs/deployment.md, "Containers"). */
  containers: Containers;
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
 * The versions of an engine the local provider runs, each pinned, each in its own venv
 * (engine-install.ts; docs/design.md, "Engine versions"). A spec is a pip requirement, or a path
 * relative to the repository's root (`./...`): a package of this repository.
 */
export interface EngineReleases {
  /** What a run gets without workflow_engine_version; the one scripts/engines.sh installs. */
  default: string;
  /** Version → the pip specs of its venv. */
  pip: Record<string, string[]>;
}

/** The versions of an engine a run may ask for, its default first (service-info's order). */
export function engineReleases({ releases }: LocalEngine): string[] {
  return [releases.default, ...Object.keys(releases.pip).filter((version) => version !== releases.default)];
}

/**
 * A parameter a user may pass in workflow_engine_parameters: a flag (its value null, "" or "true"),
 * an option whose value is checked, or an option of the client's own that the engine is not given
 * (a runner such as toil-wes-cwl-runner forwards every option it does not know; docs/design.md,
 * "Engine parameters").
 */
export type ParameterSpec = { flag: true } | { pattern: RegExp; describe: string } | { clientOnly: true };

/**
 * The versions of an engine the local provider runs, each pinned in its own venv
 * (`.cache/engines/<engine>-<version>/`, with the pip specs in its `.installed`).
 */
export interface EngineReleases {
  default: string;
  /** Version → the pip specs of its venv. */
  pip: Record<string, string[]>;
}

export interface LocalEngine {
  /** Also the local provider's setting that names its executable. */
  name: 'cwltool' | 'snakemake' | 'miniwdl';
  /** WES workflow_type values (upper case) → the versions accepted. */
  workflowTypes: Record<string, string[]>;
  releases: EngineReleases;
  parameters: Record<string, ParameterSpec>;
  /** It runs one process of a document named by a workflow_url's #fragment (`wf.cwl#main`). */
  takesFragment?: true;
  command(input: EngineCommandInput): string[];
  /** Files the command names in the run's staging dir beside its inputs file, written before it starts: name → content. */
  stagedFiles?(input: EngineCommandInput): Record<string, string>;
  /**
   * How File inputs appear in workflow_params: CWL `File`/`Directory` objects with a location
   * (cwltool's job order, Snakemake's config), or plain path strings (a WDL input JSON).
   */
  fileInputs: 'locations' | 'paths';
  /** Files of this repository the engine's command names: bound read-only, one by one, into its sandbox. */
  helperFiles: string[];
  /**
   * A directory of its own in the run's work dir that the engine writes instead of the outputs
   * directory, and what fills it once the sandbox has made it and given it to the run's user,
   * before the engine starts: Snakemake's copy of the project (snakemake-project.ts).
   */
  workingDir?: { name: string; fill(input: EngineCommandInput): Promise<void> };
  /** The run's outputs, once the engine has ended. */
  outputs(stdoutFile: string, files: EngineFiles): Promise<Record<string, unknown>>;
  /** The jobs the engine has reported so far (docs/design.md, "Tasks"). */
  jobs(files: EngineFiles): Promise<TaskReport[]>;
}

/** Where a run's engine writes. */
export interface EngineFiles {
  workDir: string;
  stderrFile: string;
  outputsDir: string;
  jobsDir: string;
}

/** What workflow_engine_parameters come to: the engine's argv, and the client's own options, which it is not given. */
export interface EngineParameters {
  argv: string[];
  clientOnly: string[];
}

/** A parameter's name without its leading dashes: `cores` and `--cores` are one parameter. */
const bare = (name: string): string => name.replace(/^-+/, '');

/**
 * The engine's argv for workflow_engine_parameters, refusing anything not on its allow-list. A name
 * may come with its dashes or without (`--cores` or `cores`, docs/design.md, "Engine parameters"):
 * it is looked up without them and passed on as the allow-list spells it.
 */
export function engineParameters(engine: LocalEngine, given: Record<string, string | null> | undefined): EngineParameters {
  const argv: string[] = [];
  const clientOnly: string[] = [];
  const byBareName = new Map(Object.keys(engine.parameters).map((name) => [bare(name), name]));
  const seen = new Map<string, string>();
  for (const [givenName, value] of Object.entries(given ?? {})) {
    // A Map, not the record: `constructor` is no parameter, though the record's prototype has it.
    const name = byBareName.get(bare(givenName));
    if (name === undefined) {
      throw new InvalidRunRequestError(
        `local: ${engine.name} parameter '${givenName}' is not allowed (allowed, with or without their dashes: ${Object.keys(engine.parameters).join(', ')})`,
      );
    }
    const earlier = seen.get(name);
    if (earlier !== undefined)
      throw new InvalidRunRequestError(`local: ${engine.name} parameter ${name} is given twice ('${earlier}' and '${givenName}')`);
    seen.set(name, givenName);
    const spec = engine.parameters[name];
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
