/** Where a run's outputs are, as the outputs endpoints see them: one kind of source per kind of provider. */

/** One output file: its path relative to the run's outputs, and its size when the source knows it. */
export interface OutputEntry {
  path: string;
  size?: number;
}

/** What GET /runs/{run_id}/outputs/{path} answers for an output that exists (or may, at a remote). */
export type OutputTarget =
  /** A file on this host: its real path, checked to lie inside the run's outputs. */
  | { kind: 'file'; file: string }
  /** A directory of the outputs: the files in it (and below). */
  | { kind: 'directory'; entries: OutputEntry[] }
  /** A file at a remote WES, fetched and streamed through, with the provider's token if it has one. */
  | { kind: 'proxy'; url: string; token?: string; timeoutMs: number }
  /** A file the client fetches from elsewhere itself, e.g. a presigned S3 URL. */
  | { kind: 'redirect'; url: string };

export interface OutputSource {
  /** Every output file, in any order. */
  list(): Promise<OutputEntry[]>;
  /** `path` is already safe (output-path.ts); undefined when the run has no such output. */
  locate(path: string): Promise<OutputTarget | undefined>;
}

/** A run with no outputs this service can serve: never started, simulated, a task, or an unknown provider. */
export const NO_OUTPUTS: OutputSource = {
  list: async () => [],
  locate: async () => undefined,
};

/** The entries under directory `dir`, or undefined when none is: a directory with no file is no output. */
export function directoryOf(entries: OutputEntry[], dir: string): OutputTarget | undefined {
  const inside = entries.filter((entry) => entry.path.startsWith(`${dir}/`));
  return inside.length > 0 ? { kind: 'directory', entries: inside } : undefined;
}
