/**
 * The cluster the suites run on, as scripts/cluster.sh brought it up: its addresses (from
 * cluster.env in DURABLE_WES_CLUSTER_DIR), clients of its Temporal, read model and API, and its controls.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { openDatabase } from '../../../read-model/data-source';
import { PostgresRunStore } from '../../../read-model/postgres-run-store';
import { createDataConverter, payloadBlobDir } from '../../../src/payloads/data-converter';
import type { Http } from '../../support/api-harness';

const ROOT = path.resolve(__dirname, '../../..');
const CONTROL_TIMEOUT_MS = 5 * 60_000;

export interface Cluster {
  /** The WES base URL behind the balancer, …/ga4gh/wes/v1. */
  wesUrl: string;
  /** supertest on the balancer's origin: paths start with /ga4gh/wes/v1. */
  http: Http;
  client: Client;
  runStore: PostgresRunStore;
  /** The data directory every API and worker of the cluster shares. */
  dataDir: string;
  env: Record<string, string>;
  /** scripts/cluster.sh with these arguments, e.g. ('kill', 'history-1'). */
  control(...args: string[]): Promise<string>;
  /** The cluster's processes that run now, by name (scripts/cluster.sh status). */
  alive(): Promise<Map<string, Running>>;
  close(): Promise<void>;
}

/** A process of the cluster that runs now; a worker's `host` is the one its runs' histories name. */
export interface Running {
  pid: string;
  host?: string;
}

export function clusterDir(): string {
  const dir = process.env.DURABLE_WES_CLUSTER_DIR;
  if (!dir) throw new Error('DURABLE_WES_CLUSTER_DIR is not set: run the cluster suites with `npm run cluster:test`');
  return dir;
}

/** A KEY=VALUE file the cluster script writes (cluster.env). */
export function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export async function connectCluster(): Promise<Cluster> {
  const env = readEnvFile(path.join(clusterDir(), 'cluster.env'));
  const dataDir = env.WES_DATA_DIR;
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const database = await openDatabase(env.DATABASE_URL);
  const control = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)('bash', [path.join(ROOT, 'scripts/cluster.sh'), ...args], {
      cwd: ROOT,
      env: process.env,
      timeout: CONTROL_TIMEOUT_MS,
    });
    return stdout;
  };
  return {
    wesUrl: env.WES_URL,
    http: request(new URL(env.WES_URL).origin),
    client: new Client({ connection, dataConverter: createDataConverter(payloadBlobDir(dataDir)) }),
    runStore: new PostgresRunStore(database),
    dataDir,
    env,
    control,
    async alive() {
      const lines = (await control('status')).split('\n').map((line) => line.split(' '));
      return new Map(lines.filter(([, , state]) => state === 'alive').map(([name, pid, , host]) => [name, { pid, host }]));
    },
    async close() {
      await connection.close();
      await database.destroy();
    },
  };
}
