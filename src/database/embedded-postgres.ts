/**
 * A real PostgreSQL on one machine, for the start command and the tests, with the `durable_wes`
 * database of the read model (the server itself: ./postgres-server.ts).
 */
import type { Exit } from '../processes/service';
import { postgresUrl, startPostgresServer } from './postgres-server';

const DATABASE = 'durable_wes';

/** Where the embedded server started on `port` is reached (the bench seeds its read model there). */
export function embeddedPostgresUrl(port: number): string {
  return postgresUrl(port, DATABASE);
}

export interface EmbeddedPostgresOptions {
  /** The cluster's directory: created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /**
   * In a process group of its own, so that a terminal's Ctrl-C reaches only the caller, which
   * stops the server once nothing uses it any more.
   */
  detached?: boolean;
}

export type ServerExit = Exit;

export interface EmbeddedPostgres {
  /** Of the `durable_wes` database. */
  url: string;
  /** Of the postmaster. */
  pid: number;
  /** Resolves when the server has ended, however it ended. */
  exited: Promise<ServerExit>;
  /** A fast shutdown; safe to call unbound and more than once. */
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const server = await startPostgresServer({ ...options, databases: [DATABASE] });
  return { url: embeddedPostgresUrl(options.port), ...server };
}
