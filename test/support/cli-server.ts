/** The API on a free port for a CLI test file to call, and a scratch dir of its own, set up around the file's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API, createApiHarness, type ApiHarness } from './api-harness';
import { freePort } from './free-port';

export interface CliServer {
  api: ApiHarness;
  /** The WES API's base URL, as `--url` takes it. */
  url: string;
  dir: string;
}

/** Registers the file's beforeAll and afterAll; `ready` gets the server once it listens. */
export function useCliServer(name: string, ready: (server: CliServer) => void): void {
  let server: CliServer | undefined;
  beforeAll(async () => {
    const api = await createApiHarness();
    const port = await freePort();
    await api.app.listen(port, '127.0.0.1');
    server = { api, url: `http://127.0.0.1:${port}${API}`, dir: mkdtempSync(path.join(os.tmpdir(), `durable-wes-${name}-`)) };
    ready(server);
  });
  afterAll(async () => {
    await server?.api.stop();
    if (server) rmSync(server.dir, { recursive: true, force: true });
  });
}
