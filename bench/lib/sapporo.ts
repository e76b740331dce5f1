/**
 * Sapporo 2.4.0 as the bench's baseline WES server: the same server, venv and run script the tests
 * use (test/support/sapporo.ts), its engine the cwltool on PATH; and its store seeded the way
 * Sapporo keeps runs (seed-sapporo.py).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureSapporo, startSapporo, type Sapporo } from '../../test/support/sapporo';
import { WesClient } from './wes-client';

export interface SapporoServer {
  server: Sapporo;
  wes: WesClient;
  /** Adds `count` copies of the finished run `templateRunId` to its runs and its index. */
  seed(templateRunId: string, count: number): Promise<void>;
}

const SEED_TIMEOUT_MS = 30 * 60_000;

export async function startSapporoServer(): Promise<SapporoServer> {
  const server = await startSapporo();
  const python = path.join(path.dirname(await ensureSapporo()), 'python');
  return {
    server,
    wes: new WesClient(server.baseUrl),
    async seed(templateRunId, count) {
      await promisify(execFile)(
        python,
        [path.join(__dirname, 'seed-sapporo.py'), path.join(server.dir, 'runs'), templateRunId, String(count)],
        {
          timeout: SEED_TIMEOUT_MS,
        },
      );
    },
  };
}
