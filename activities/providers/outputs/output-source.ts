/**
 * Where a run's outputs are, as GET /runs/{run_id}/outputs sees them (docs/design.md, "Outputs"):
 * each provider kind's descriptor gives its runs' source. Plain classes: the API's controller turns
 * a target into an HTTP answer, and an OutputError into its status.
 */
import type { Readable } from 'node:stream';

/** One output file: its path relative to the run's outputs, and its size when the source knows it. */
export interface OutputEntry {
  path: string;
  size?: number;
}

/** The client's side of a download passed on to a file's remote: its method, and its range and conditions. */
export interface DownloadRequest {
  method: 'GET' | 'HEAD';
  /** The request's header `name` (lower case), if sent. */
  header(name: string): string | undefined;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** What a remote answered for a file: its bytes (200, 206 or 304, with the headers that describe them), or elsewhere to look. */
export type DownloadAnswer =
  { kind: 'bytes'; status: 200 | 206 | 304; headers: Record<string, string>; body?: Readable } | { kind: 'redirect'; url: string };

/** What GET /runs/{run_id}/outputs/{path} answers for an output that exists (or may, at a remote). */
export type OutputTarget =
  /** A file on this host: its real path, checked to lie inside the run's outputs. */
  | { kind: 'file'; file: string }
  /** A directory of the outputs: the files in it (and below). */
  | { kind: 'directory'; entries: OutputEntry[] }
  /** A file elsewhere whose bytes pass through this service, e.g. at a remote WES with our token. */
  | { kind: 'stream'; open(request: DownloadRequest): Promise<DownloadAnswer> }
  /** A file the client fetches from elsewhere itself, e.g. a presigned S3 URL. */
  | { kind: 'redirect'; url: string };

export interface OutputSource {
  /** Every output file, in any order. */
  list(): Promise<OutputEntry[]>;
  /** `path` is already safe (output-path.ts); undefined when the run has no such output. */
  locate(path: string): Promise<OutputTarget | undefined>;
}

/** Why an output could not be served: no such file at the remote (404), a range outside it (416), or a remote that failed (502). */
export class OutputError extends Error {
  override name = 'OutputError';

  constructor(
    readonly status: 404 | 416 | 502,
    message: string,
    /** Headers the answer carries, e.g. the remote's Content-Range of a 416. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
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
