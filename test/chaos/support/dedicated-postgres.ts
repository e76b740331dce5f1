/**
 * An embedded PostgreSQL of one test's own, on a fixed port and data dir, so that its postmaster can
 * be killed with SIGKILL (a crash, not a shutdown) and started again where the API and the worker
 * expect it; it then recovers from its write-ahead log as after a power cut.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres, type ServerExit } from '../../../src/database/embedded-postgres';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';

export interface DedicatedPostgres {
  url: string;
  /** SIGKILL of the postmaster; resolves with its exit. */
  kill(): Promise<ServerExit>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-chaos-pg-'));
  const port = await freePort();
  let server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir, port });
  return {
    url: server.url,
    async kill() {
      process.kill(server.pid, 'SIGKILL');
      return server.exited;
    },
    async restart() {
      // The killed postmaster's backends notice its death and exit on their own; until the last has
      // let go of the old shared memory, a new postmaster refuses to start.
      server = await eventually(() => startEmbeddedPostgres({ dataDir, port }), Boolean, {
        timeoutMs: 30_000,
        intervalMs: 500,
        what: 'PostgreSQL to start again',
      });
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
