/**
 * A Temporal dev server of one test's own, started as the start command starts it (temporal-dev.sh
 * run: the CLI binary, a SQLite file, the search attributes registered) on a fixed port, so that it
 * can be killed and started again on the same port and file while a worker and an API use it.
 */
import type { Exit, Instance } from '../../../src/processes/service';
import { temporalDevServer } from '../../../src/supervisor/services';
import { freePort } from '../../support/free-port';

export interface DedicatedTemporal {
  address: string;
  /** SIGKILL of the server process; resolves with its exit. */
  kill(): Promise<Exit>;
  /** Starts it again on the same port and database file; resolves once it is healthy. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `dataDir`: where temporal-dev.sh keeps the SQLite file and the log (`<dataDir>/temporal/`). */
export async function startDedicatedTemporal(dataDir: string): Promise<DedicatedTemporal> {
  const port = await freePort();
  let uiPort = await freePort();
  while (uiPort === port) uiPort = await freePort();
  const address = `127.0.0.1:${port}`;
  const env = { ...process.env, WES_DATA_DIR: dataDir, TEMPORAL_PORT: String(port), TEMPORAL_UI_PORT: String(uiPort) };
  const service = temporalDevServer(address, dataDir, env);
  const start = async (): Promise<Instance> => {
    const started = await service.start();
    await started.ready;
    return started;
  };
  let server = await start();
  return {
    address,
    async kill() {
      process.kill(server.pid, 'SIGKILL');
      return server.exited;
    },
    async restart() {
      server = await start();
    },
    stop: () => server.stop(),
  };
}
