/**
 * The start command's supervisor: the whole product on one machine, on embedded defaults.
 * PostgreSQL (embedded unless DATABASE_URL is set) → migrations → Temporal dev server → the worker
 * and the API as processes of their own (as in production) → the example run. SIGINT/SIGTERM stop
 * everything it started, in reverse order.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from './config';
import { openDatabase } from './database/data-source';
import { startEmbeddedPostgres } from './database/embedded-postgres';

const root = path.resolve(__dirname, '../..');
const stops: Array<() => Promise<void> | void> = [];

/** Starts a child; the product stops when an essential one dies. */
function startProcess(name: string, script: string, env: NodeJS.ProcessEnv, essential = true): ChildProcess {
  const child = spawn(process.execPath, [path.join(__dirname, script)], { env, stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (essential && !stopping) {
      console.error(`${name} exited (${code ?? signal}); stopping`);
      void shutdown(1);
    }
  });
  stops.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  return child;
}

async function waitForApi(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the API did not answer at ${url}`);
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (err) {
      console.error('while stopping:', err);
    }
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  const config = loadConfig();
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'postgres'),
      port: Number(process.env.WES_POSTGRES_PORT ?? 5433),
    });
    stops.push(postgres.stop);
    databaseUrl = postgres.url;
    console.log(`PostgreSQL (embedded): ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
  }
  await (await openDatabase(databaseUrl)).destroy();

  const temporal = spawnSync('bash', [path.join(root, 'temporal-dev.sh'), 'start'], { stdio: 'inherit' });
  if (temporal.status !== 0) throw new Error('the Temporal dev server did not start');
  stops.push(() => void spawnSync('bash', [path.join(root, 'temporal-dev.sh'), 'stop'], { stdio: 'inherit' }));

  const env = { ...process.env, DATABASE_URL: databaseUrl };
  startProcess('worker', 'worker.js', env);
  startProcess('api', 'api.js', env);
  const api = `http://${config.apiHost}:${config.apiPort}/ga4gh/wes/v1`;
  await waitForApi(`${api}/service-info`);
  console.log(`durable-wes is up. WES API: ${api}  Temporal UI: ${config.temporalUiUrl}  Ctrl-C stops it.`);
  if (process.env.WES_DEMO_RUN !== '0') startProcess('example run', 'example-client.js', { ...env, WES_URL: api }, false);
}

main().catch((err) => {
  console.error('start failed:', err);
  void shutdown(1);
});
