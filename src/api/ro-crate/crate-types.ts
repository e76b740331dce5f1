/**
 * What a run's Workflow Run RO-Crate is built from (docs/formats.md, "Workflow Run RO-Crate"): the
 * read model's rows and the files the service holds of the run, gathered by crate-files.ts.
 */
import type { RunRow, TaskRow } from '../../../domain/run-rows';
import type { Transition } from '../../../domain/run-types';

/** A JSON-LD node of the crate's @graph. */
export type Entity = { '@id': string; '@type': string | string[] } & Record<string, unknown>;

/** A reference to another entity of the graph. */
export interface Ref {
  '@id': string;
}

export const ref = (id: string): Ref => ({ '@id': id });

/** A file of this host that goes into the crate's zip at `path`, with what describes its bytes. */
export interface HeldFile {
  /** Its path in the crate (and the zip), `/`-separated: its entity's @id. */
  path: string;
  /** Where it is on this host. */
  file: string;
  size: number;
  sha256: string;
}

/** An output whose bytes lie elsewhere (a remote WES, S3): its entity's @id is its download URL. */
export interface RemoteOutput {
  url: string;
  size?: number;
}

/** The engine that ran the workflow, as far as the service knows it. */
export interface EngineInfo {
  name: string;
  version?: string;
}

/** Absolute URLs of this API: the run, its transitions, one of its outputs, another run (a task's step). */
export interface CrateLinks {
  run: string;
  transitions: string;
  output: (path: string) => string;
  runOf: (runId: string) => string;
}

export interface CrateRun {
  row: RunRow;
  tasks: TaskRow[];
  transitions: Transition[];
  /** The run's workflow_attachment files, under `attachments/`. */
  attachments: HeldFile[];
  /** The workflow when workflow_url names a file of this host (in the workflow roots) rather than an attachment, under `workflow/`. */
  hostWorkflow?: HeldFile;
  /** The run's output files served from this host, under `outputs/`. */
  outputs: HeldFile[];
  remoteOutputs: RemoteOutput[];
  /** `row.outputs` with each File and Directory location pointed at its entity's @id. */
  outputObject: Record<string, unknown>;
  engine?: EngineInfo;
  links: CrateLinks;
}

/** What the crate is: its metadata file, and what else goes into its zip. */
export interface Crate {
  metadata: { '@context': unknown; '@graph': Entity[] };
  files: HeldFile[];
  /** Files made for the crate (the request, the transitions), by their path in it. */
  documents: Record<string, string>;
  /** Directories the metadata names that hold no file, made empty in the zip. */
  emptyDirectories: string[];
}
