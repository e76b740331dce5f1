/**
 * durable-wes on the loopback Temporal cluster (docs/deployment.md, "A cluster on one machine"):
 * two API replicas behind one balancer address, and three workers playing two hosts (worker-1 on
 * host cluster-a; worker-2 and worker-3 on host cluster-b; more join as worker-4, -5, …).
 *
 * The workers are versioned: deployment durable-wes, build id CLUSTER_BUILD_ID (1) as the first `up`
 * recorded it in <cluster dir>/build-id, made current by `up`; a worker starts with the build id
 * that file holds when it starts. <cluster dir>/product.env holds what one more API of the cluster
 * needs, to source; a worker also needs WES_DEPLOYMENT_NAME=durable-wes and WES_BUILD_ID.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../activities/repo-root';
import { loadConfig } from '../config/config';
import { heapFlags } from '../worker/worker-sizing';
import { ClusterError } from './daemons';
import { TemporalCluster } from './temporal-cluster';

const DEPLOYMENT = 'durable-wes';
const API_REPLICAS = ['api-1', 'api-2'];
const WORKERS = ['worker-1', 'worker-2', 'worker-3'];
const SHARED_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'DATABASE_URL',
  'WES_DATA_DIR',
  'WORKFLOW_BUNDLE_PATH',
  'WES_AUTH',
  'WES_RATE_LIMIT',
  'WES_PROVIDERS',
];
const dist = (file: string) => path.join(repoRoot, 'dist/src', file);

/** A variable the cluster's environment must have: temporal.env's, or one sharedEnv sets. */
function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined) throw new ClusterError(`${name} is missing from the cluster's environment`);
  return value;
}

export class ProductCluster {
  readonly temporal: TemporalCluster;
  private readonly apiPort = Number(process.env.CLUSTER_API_PORT ?? 18080);

  constructor(readonly clusterDir: string) {
    this.temporal = new TemporalCluster(clusterDir);
  }

  private get daemons() {
    return this.temporal.daemons;
  }

  private file(name: string): string {
    return path.join(this.clusterDir, name);
  }

  private replicaPort(name: string): number {
    return this.apiPort + Number(name.slice('api-'.length));
  }

  /** worker-1, -4, -7…: host cluster-a; the others cluster-b. */
  private workerHost(name: string): string {
    return Number(name.slice('worker-'.length)) % 3 === 1 ? 'cluster-a' : 'cluster-b';
  }

  /** The first three, and every worker that has a pid file. */
  private allWorkers(): string[] {
    const recorded = existsSync(this.daemons.runDir)
      ? readdirSync(this.daemons.runDir).flatMap((file) => /^(worker-\d+)\.pid$/.exec(file)?.[1] ?? [])
      : [];
    return [...new Set([...WORKERS, ...recorded])].sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  }

  ours(name: string): boolean {
    return ['balancer', ...API_REPLICAS].includes(name) || /^worker-\d+$/.test(name);
  }

  /** What every durable-wes process of the cluster shares: Temporal, the read model, the data dir. */
  private sharedEnv(): NodeJS.ProcessEnv {
    const temporalEnv = Object.fromEntries(
      readFileSync(this.file('temporal.env'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const providers = {
      default: 'local',
      providers: {
        local: { kind: 'local', workflowRoots: [path.join(repoRoot, 'examples')] },
        // Enough simulated runs at once for the load scenarios (the default is 50 per worker).
        simulated: { kind: 'simulated', maxConcurrent: 500 },
      },
    };
    return {
      ...process.env,
      ...temporalEnv,
      WES_DATA_DIR: this.file('wes-data'),
      WORKFLOW_BUNDLE_PATH: this.file('workflow-bundle.js'),
      // Loopback only: no credentials, no rate limit (one balancer address is every client's).
      WES_AUTH: 'off',
      WES_RATE_LIMIT: 'off',
      WES_PROVIDERS: JSON.stringify(providers),
    };
  }

  private launch(name: string, env: NodeJS.ProcessEnv): void {
    if (name.startsWith('api-')) {
      const apiEnv = {
        WES_LOG_LEVEL: 'warn',
        ...env,
        WES_API_HOST: '127.0.0.1',
        WES_API_PORT: String(this.replicaPort(name)),
        WES_URL: this.wesUrl(),
      };
      this.daemons.launch(name, process.execPath, [dist('api.js')], apiEnv);
    } else if (name.startsWith('worker-')) {
      // Where this start's lines begin in its log, for ready().
      writeFileSync(path.join(this.daemons.runDir, `${name}.mark`), String(this.daemons.logSize(name)));
      const workerEnv = {
        WES_LOG_LEVEL: 'info',
        ...env,
        MALLOC_ARENA_MAX: '2',
        WES_DEPLOYMENT_NAME: DEPLOYMENT,
        WES_BUILD_ID: this.buildId(),
        WES_HOST_ID: this.workerHost(name),
        WES_WORKER_METRICS_PORT: String(19463 + Number(name.slice('worker-'.length))),
      };
      // Its heaps held to its memory budget, as the start command does (docs/deployment.md, "Memory").
      this.daemons.launch(name, process.execPath, [...heapFlags(loadConfig(workerEnv).workerSizing), dist('worker.js')], workerEnv);
    } else {
      this.daemons.launch(
        name,
        process.execPath,
        [dist('cluster/balancer.js'), String(this.apiPort), ...API_REPLICAS.map((r) => String(this.replicaPort(r)))],
        env,
      );
    }
  }

  private async ready(name: string): Promise<boolean> {
    const answers = (port: number) =>
      fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
        (response) => response.ok,
        () => false,
      );
    if (name.startsWith('api-')) return answers(this.replicaPort(name));
    if (name === 'balancer') return answers(this.apiPort);
    // A worker serves nothing to ask; it says when it polls, in its log since this start.
    const markFile = path.join(this.daemons.runDir, `${name}.mark`);
    const mark = existsSync(markFile) ? Number(readFileSync(markFile, 'utf8')) : 0;
    return readFileSync(this.daemons.logFile(name)).subarray(mark).toString().includes('polling task queue');
  }

  private async startOne(name: string, env: NodeJS.ProcessEnv): Promise<void> {
    if (!this.daemons.runningPid(name)) this.launch(name, env);
    await this.daemons.waitFor('becoming ready', name, () => this.ready(name));
  }

  private buildId(): string {
    return readFileSync(this.file('build-id'), 'utf8').trim();
  }

  private wesUrl(): string {
    return `http://127.0.0.1:${this.apiPort}/ga4gh/wes/v1`;
  }

  async up(): Promise<void> {
    execFileSync(path.join(repoRoot, 'temporal-dev.sh'), ['install'], { stdio: 'inherit' });
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    await this.temporal.up();
    const env = this.sharedEnv();
    // Of the code as it is now: workers already running keep the code they loaded.
    await promisify(execFile)(process.execPath, [dist('write-workflow-bundle.js'), required(env, 'WORKFLOW_BUNDLE_PATH')], { env });
    await promisify(execFile)(process.execPath, [dist('database/migrate.js')], { env });
    if (!existsSync(this.file('build-id'))) writeFileSync(this.file('build-id'), `${process.env.CLUSTER_BUILD_ID ?? 1}\n`);
    for (const name of [...WORKERS, ...API_REPLICAS]) if (!this.daemons.runningPid(name)) this.launch(name, env);
    for (const name of [...WORKERS, ...API_REPLICAS, 'balancer']) await this.startOne(name, env);
    // Refused until the server has seen the version's workers poll every queue: asked until it takes.
    const makeCurrent = [
      'worker',
      'deployment',
      'set-current-version',
      '--deployment-name',
      DEPLOYMENT,
      '--build-id',
      this.buildId(),
      '--yes',
    ];
    await this.daemons.waitFor(`making build ${this.buildId()} current`, 'worker-1', () => this.temporal.cliSucceeds(makeCurrent));
    const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
    writeFileSync(this.file('product.env'), SHARED_VARIABLES.map((name) => `${name}=${quote(required(env, name))}\n`).join(''));
    const replicas = API_REPLICAS.map((r) => `http://127.0.0.1:${this.replicaPort(r)}`).join(' ');
    const clusterEnv = {
      WES_URL: this.wesUrl(),
      TEMPORAL_ADDRESS: required(env, 'TEMPORAL_ADDRESS'),
      DATABASE_URL: required(env, 'DATABASE_URL'),
      WES_DATA_DIR: required(env, 'WES_DATA_DIR'),
      CLUSTER_BUILD_ID: this.buildId(),
      CLUSTER_API_REPLICAS: replicas,
    };
    writeFileSync(
      this.file('cluster.env'),
      Object.entries(clusterEnv)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
    );
    const replicaPorts = API_REPLICAS.map((r) => this.replicaPort(r)).join(', ');
    console.log(`WES API:           ${this.wesUrl()} (replicas on ${replicaPorts}; workers ${WORKERS.join(' ')})`);
    console.log(`Addresses:         ${this.file('cluster.env')}`);
  }

  async down(purge: boolean): Promise<void> {
    await this.daemons.stop(['balancer', ...API_REPLICAS, ...this.allWorkers()]);
    await this.temporal.down(purge);
  }

  /** A worker's line ends with the host it plays, as its runs' histories name it (<pid>@<host>). */
  status(): string[] {
    const ours = ['balancer', ...API_REPLICAS, ...this.allWorkers()].map((name) => {
      const pid = this.daemons.runningPid(name);
      if (!pid) return `${name} - dead`;
      return name.startsWith('worker-') ? `${name} ${pid} alive ${this.workerHost(name)}` : `${name} ${pid} alive`;
    });
    return [...ours, ...this.temporal.status()];
  }

  kill(name: string): void {
    if (this.ours(name)) this.daemons.kill(name);
    else this.temporal.kill(name);
  }

  async stop(name: string): Promise<void> {
    if (!this.ours(name))
      throw new ClusterError("stop: only the cluster's own processes (balancer, api-N, worker-N); kill stops Temporal's");
    await this.daemons.stop([name]);
  }

  async start(name: string): Promise<void> {
    if (this.ours(name)) await this.startOne(name, this.sharedEnv());
    else await this.temporal.start(name);
  }
}
