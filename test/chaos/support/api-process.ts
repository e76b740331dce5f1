/**
 * The production API (src/api.ts) as a separate process on a fixed loopback port, as the start
 * command runs it: killed and restarted on the same port, it is the same API to its clients.
 */
import { startSourceProcess, type SourceProcess } from '../../support/source-process';

export interface ApiProcess extends SourceProcess {
  /** The WES base URL, …/ga4gh/wes/v1. */
  url: string;
}

/** Ready once /readyz answers 200: Temporal, the database and every provider answer. */
export async function startApiProcess(port: number, env: Record<string, string>): Promise<ApiProcess> {
  const origin = `http://127.0.0.1:${port}`;
  const ready = async () => (await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5_000) })).status === 200;
  const api = await startSourceProcess(
    'src/api.ts',
    { WES_API_HOST: '127.0.0.1', WES_API_PORT: String(port), WES_AUTH: 'off', WES_RATE_LIMIT: 'off', WES_LOG_LEVEL: 'warn', ...env },
    ready,
    `the API to be ready at ${origin}/readyz`,
  );
  return { ...api, url: `${origin}/ga4gh/wes/v1` };
}
