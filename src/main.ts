/**
 * The start command: the whole product on one machine, on embedded defaults.
 * PostgreSQL (embedded unless DATABASE_URL is set) → migrations → Temporal dev server → the worker
 * and the API as processes of their own (as in production) → the example run. Whichever of them
 * exits is restarted with backoff, except the example run. SIGINT/SIGTERM/SIGHUP stop everything,
 * in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { authEnabled, isEmbeddedDefault } from './config/auth-config';
import { loadConfig, type Config } from './config/config';
import { heapFlags } from './worker/worker-sizing';
import { openDatabase } from '../read-model/data-source';
import { devServerFlags } from './supervisor/dev-server-flags';
import type { Service } from './processes/service';
import { api, EmbeddedPostgresService, temporalDevServer, worker } from './supervisor/services';
import { Supervised } from './supervisor/supervised';
import { refuseOlderNode } from './processes/node-version';

const supervised: Supervised[] = [];
let exampleRun: ChildProcess | undefined;

/** Registered before it starts, so that a stop during its start stops it too. */
async function supervise(service: Service): Promise<void> {
  const one = new Supervised(service);
  supervised.push(one);
  await one.start();
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (exampleRun?.exitCode === null && exampleRun.signalCode === null) {
    exampleRun.kill('SIGTERM');
    await once(exampleRun, 'exit');
  }
  for (const one of supervised.reverse()) {
    try {
      await one.stop();
    } catch (err) {
      console.error('while stopping:', err);
    }
  }
  process.exit(code);
}

async function main(): Promise<void> {
  refuseOlderNode('durable-wes');
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0));
  const config = loadConfig();
  // Outside the embedded default, an API without auth is refused before anything starts.
  const apiDefaults = embeddedApiDefaults(config);
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const postgres = new EmbeddedPostgresService(path.join(config.dataDir, 'postgres'), config.postgresPort);
    await supervise(postgres);
    if (postgres.url === undefined) throw new Error('the embedded PostgreSQL started without a URL');
    databaseUrl = postgres.url;
    console.log(`PostgreSQL (embedded): ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
  }
  await (await openDatabase(databaseUrl)).destroy();

  await supervise(temporalDevServer(config.temporalAddress, config.dataDir, process.env, devServerFlags(config)));
  const env = { ...process.env, DATABASE_URL: databaseUrl };
  await supervise(worker(env, heapFlags(config.workerSizing)));
  const apiUrl = `http://${config.apiHost}:${config.apiPort}/ga4gh/wes/v1`;
  await supervise(api({ ...env, ...apiDefaults }, apiUrl));
  console.log(`durable-wes is up. WES API: ${apiUrl}  Temporal UI: ${config.temporalUiUrl}  Ctrl-C stops it.`);
  if (config.exampleRun) {
    exampleRun = spawn(process.execPath, [path.join(__dirname, 'example-client.js')], {
      env: { ...env, WES_URL: apiUrl },
      stdio: 'inherit',
    });
  }
}

/**
 * The API is given DATABASE_URL, so it cannot tell that it runs on the embedded default: what that
 * default means for it is said explicitly. No auth unless configured; no rate limit unless set.
 */
function embeddedApiDefaults(config: Config): NodeJS.ProcessEnv {
  const authOn = authEnabled(config);
  if (!isEmbeddedDefault(config)) return {};
  return { ...(authOn ? {} : { WES_AUTH: 'off' }), ...(process.env.WES_RATE_LIMIT ? {} : { WES_RATE_LIMIT: 'off' }) };
}

main().catch((err: unknown) => {
  // A stop during the start makes the start fail: that is no news.
  if (stopping) return;
  console.error('start failed:', err);
  void shutdown(1);
});
