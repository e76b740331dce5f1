/**
 * The Temporal side of the loopback cluster: a PostgreSQL holding Temporal's two databases and
 * durable-wes's read model, and Temporal's services as separate processes (1 frontend, 2 history,
 * 2 matching, 1 internal worker) plus the Temporal UI; everything on 127.0.0.1.
 * docs/deployment.md, "A Temporal cluster on PostgreSQL", describes what runs where.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startPostgresServer, postgresUrl } from '../database/postgres-server';
import { repoRoot } from '../../activities/repo-root';
import { ensurePortFree } from '../processes/free-port';
import { searchAttributeSpecs } from '../temporal/search-attribute-flags';
import { binaries, build, schemaDir } from './temporal-build';
import { ClusterError, Daemons } from './daemons';
import { formatMember, members } from './membership';
import { forgetPorts, recordPorts, temporalPorts, type Instance, type TemporalPorts } from './temporal-ports';

const FILES = path.join(repoRoot, 'scripts/cluster/temporal');
const SHARDS = 16;
const NAMESPACE = 'default';
const RETENTION = '3d';
/** Temporal's processes stop together, then PostgreSQL: they write to it until they are gone. */
const SERVICES = ['ui', 'worker', 'frontend', 'matching-1', 'matching-2', 'history-1', 'history-2'];
export const TEMPORAL_NAMES = ['postgres', 'frontend', 'history-1', 'history-2', 'matching-1', 'matching-2', 'worker', 'ui'];

const run = promisify(execFile);
const say = (message: string) => console.error(`cluster: ${message}`);
const epochSeconds = () => Math.floor(Date.now() / 1000);

export class TemporalCluster {
  readonly daemons: Daemons;
  readonly ports: TemporalPorts;
  private cliPath?: string;

  constructor(readonly clusterDir: string) {
    this.daemons = new Daemons(clusterDir);
    this.ports = temporalPorts(this.daemons, TEMPORAL_NAMES);
  }

  private get pgData(): string {
    return path.join(this.clusterDir, 'postgres');
  }

  private get configDir(): string {
    return path.join(this.clusterDir, 'config');
  }

  pgUrl(database: string): string {
    return postgresUrl(this.ports.postgres, database);
  }

  async up(): Promise<void> {
    const startedAt = Date.now();
    build();
    for (const dir of [this.daemons.runDir, this.daemons.logDir, this.configDir]) mkdirSync(dir, { recursive: true });
    recordPorts(this.daemons, this.ports);
    if (!this.daemons.runningPid('postgres')) await this.startPostgres();
    await this.applySchemas();
    for (const instance of this.ports.instances) this.renderConfig(instance);
    const [frontend, ...others] = this.ports.instances.map((instance) => instance.name);
    // The frontend alone first: on a fresh database every process writes the cluster's metadata
    // record as it starts, and those that lose that race exit.
    await this.startInstances([frontend]);
    await this.startInstances(others);
    await this.registerNamespace();
    if (existsSync(binaries.ui) && !this.daemons.runningPid('ui')) await this.startUi();
    this.writeEnv();
    console.log(`Temporal frontend: 127.0.0.1:${this.ports.frontend} (namespace ${NAMESPACE})`);
    console.log(`PostgreSQL:        ${this.pgUrl('wes')} (Temporal's: temporal, temporal_visibility)`);
    const uiLine = existsSync(binaries.ui)
      ? `http://127.0.0.1:${this.ports.ui}`
      : `none (${existsSync(binaries.uiUnavailable) ? readFileSync(binaries.uiUnavailable, 'utf8').trim() : 'not built'})`;
    console.log(`Temporal UI:       ${uiLine}`);
    console.log(`Environment:       ${path.join(this.clusterDir, 'temporal.env')}`);
    say(`healthy after ${Math.round((Date.now() - startedAt) / 1000)} s`);
  }

  async down(purge: boolean): Promise<void> {
    if (existsSync(this.daemons.runDir)) {
      await this.daemons.stop(SERVICES);
      // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect).
      await this.daemons.stop(['postgres'], () => 'SIGINT');
    }
    forgetPorts(this.daemons);
    if (purge) rmSync(this.clusterDir, { recursive: true, force: true });
    say(purge ? `stopped; deleted ${this.clusterDir}` : `stopped; data kept in ${this.clusterDir}`);
  }

  status(): string[] {
    return TEMPORAL_NAMES.map((name) => {
      const pid = this.daemons.runningPid(name);
      if (pid) return `${name} ${pid} alive`;
      return `${name} ${this.daemons.recordedPid(name) ?? '-'} dead`;
    });
  }

  async members(): Promise<string[]> {
    return (await members(this.pgUrl('temporal'))).map(formatMember);
  }

  kill(name: string): void {
    this.known(name);
    this.daemons.kill(name);
  }

  async start(name: string): Promise<void> {
    this.known(name);
    if (this.daemons.runningPid(name)) {
      say(`${name} is already running`);
      return;
    }
    if (name === 'postgres') await this.startPostgres();
    else if (name === 'ui') {
      if (!existsSync(binaries.ui)) throw new ClusterError('the UI server is not built');
      await this.startUi();
    } else await this.startInstances([name]);
    say(`${name} is back (pid ${this.daemons.runningPid(name) ?? 'none'})`);
  }

  private known(name: string): void {
    if (!TEMPORAL_NAMES.includes(name)) throw new ClusterError(`unknown process '${name}'; one of: ${TEMPORAL_NAMES.join(' ')}`);
  }

  /** Something else answering on a port we are about to listen on would be talked to instead of ours. */
  private async ensurePortFree(port: number, name: string, variable: string): Promise<void> {
    await ensurePortFree('127.0.0.1', port).catch(() => {
      throw new ClusterError(`port ${port} (for ${name}) is taken by a process the cluster did not start; set another ${variable}`);
    });
  }

  private async startPostgres(): Promise<void> {
    await this.ensurePortFree(this.ports.postgres, 'postgres', 'CLUSTER_PG_PORT');
    say(`starting postgres on 127.0.0.1:${this.ports.postgres}`);
    mkdirSync(this.daemons.logDir, { recursive: true });
    const server = await startPostgresServer({
      dataDir: this.pgData,
      port: this.ports.postgres,
      databases: ['temporal', 'temporal_visibility', 'wes'],
      logFile: this.daemons.logFile('postgres'),
      settingsFile: path.join(FILES, 'postgresql.conf'),
      outlive: true,
    }).catch((err: unknown) => {
      throw new ClusterError(`${err instanceof Error ? err.message : String(err)}\nsee ${this.daemons.logFile('postgres')}`);
    });
    this.daemons.record('postgres', server.pid);
  }

  /** Each step skips what is there: setup-schema keeps a version above 0.0, update-schema applies only the versions not yet applied. */
  private async applySchemas(): Promise<void> {
    const schema = schemaDir();
    for (const [database, dir] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ]) {
      try {
        await this.sqlTool(database, ['setup-schema', '-v', '0.0']);
        await this.sqlTool(database, ['update-schema', '-d', path.join(schema, dir, 'versioned')]);
      } catch {
        throw new ClusterError(`applying Temporal's schema to ${database} failed; see ${this.daemons.logFile('schema')}`);
      }
    }
  }

  private async sqlTool(database: string, args: string[]): Promise<void> {
    const common = ['--ep', '127.0.0.1', '-p', String(this.ports.postgres), '-u', 'postgres', '--pl', 'postgres12', '--db', database];
    const log = (text: string) => appendFileSync(this.daemons.logFile('schema'), text);
    try {
      const { stdout, stderr } = await run(binaries.sqlTool, [...common, ...args], {
        env: { ...process.env, SQL_PASSWORD: 'durable-wes' },
      });
      log(stdout + stderr);
    } catch (err) {
      const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
      log(stdout + stderr);
      throw err;
    }
  }

  private renderConfig(instance: Instance): void {
    // Its own service has its own ports; the others have their first instance's.
    const ofService = (service: string) =>
      service === instance.service ? instance : this.instance((other) => other.service === service, service);
    const values: Record<string, string | number> = {
      SHARDS,
      PG_PORT: this.ports.postgres,
      PG_USER: 'postgres',
      PG_PASSWORD: 'durable-wes',
      FRONTEND_HTTP_PORT: this.ports.frontendHttp,
      DYNAMIC_CONFIG: path.join(FILES, 'dynamicconfig.yaml'),
    };
    for (const service of ['frontend', 'history', 'matching', 'worker']) {
      values[`${service.toUpperCase()}_GRPC`] = ofService(service).grpc;
      values[`${service.toUpperCase()}_MEMBERSHIP`] = ofService(service).membership;
    }
    const template = readFileSync(path.join(FILES, 'server.yaml'), 'utf8');
    writeFileSync(
      this.configFile(instance),
      template.replace(/@([A-Z_]+)@/g, (placeholder, key: string) => String(values[key] ?? placeholder)),
    );
  }

  private configFile(instance: Instance): string {
    return path.join(this.configDir, `${instance.name}.yaml`);
  }

  /** Launches those not running, then waits for each to join the ring. */
  private async startInstances(names: string[]): Promise<void> {
    const started: Array<{ instance: Instance; since: number }> = [];
    for (const name of names) {
      const instance = this.instance((candidate) => candidate.name === name, name);
      const running = this.daemons.runningPid(name) !== undefined;
      started.push({ instance, since: running ? 0 : epochSeconds() - 1 });
      if (running) continue;
      if (!existsSync(this.configFile(instance))) this.renderConfig(instance);
      await this.ensurePortFree(instance.grpc, name, 'CLUSTER_TEMPORAL_PORT');
      await this.ensurePortFree(instance.membership, name, 'CLUSTER_TEMPORAL_PORT');
      if (instance.service === 'frontend') await this.ensurePortFree(this.ports.frontendHttp, name, 'CLUSTER_TEMPORAL_PORT');
      say(`starting ${name} (${instance.service}, gRPC 127.0.0.1:${instance.grpc})`);
      this.daemons.launch(
        name,
        binaries.server,
        ['--config-file', this.configFile(instance), '--allow-no-auth', 'start', '--service', instance.service],
        process.env,
      );
    }
    for (const { instance, since } of started) {
      // A session begun since its start: one killed with SIGKILL leaves its record looking alive for up to 20 s.
      const inRing = () =>
        members(this.pgUrl('temporal')).then(
          (ring) => ring.some((member) => member.rpcPort === instance.membership && member.sessionStart >= since),
          () => false,
        );
      await this.daemons.waitFor('joining the membership ring', instance.name, inRing);
      if (instance.service === 'frontend')
        await this.daemons.waitFor('answering health checks', instance.name, () => this.cliSucceeds(['operator', 'cluster', 'health']));
    }
  }

  /** The first instance of the cluster's ports that `matches`; `what` names it in the error when there is none. */
  private instance(matches: (instance: Instance) => boolean, what: string): Instance {
    const found = this.ports.instances.find(matches);
    if (!found) throw new ClusterError(`no Temporal instance for '${what}' in the cluster's ports`);
    return found;
  }

  /** The CLI of temporal-dev.sh, against the frontend. */
  private cli(args: string[]): Promise<{ stdout: string }> {
    this.cliPath ??= execFileSync('bash', [path.join(repoRoot, 'temporal-dev.sh'), 'path'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    return run(this.cliPath, [...args, '--address', `127.0.0.1:${this.ports.frontend}`]);
  }

  cliSucceeds(args: string[]): Promise<boolean> {
    return this.cli(args).then(
      () => true,
      () => false,
    );
  }

  /** The namespace, and the search attributes the run workflow upserts. A new namespace reaches the frontend's cache within seconds. */
  private async registerNamespace(): Promise<void> {
    if (!(await this.cliSucceeds(['operator', 'namespace', 'describe', '--namespace', NAMESPACE]))) {
      say(`registering namespace ${NAMESPACE} (retention ${RETENTION})`);
      await this.cli(['operator', 'namespace', 'create', '--namespace', NAMESPACE, '--retention', RETENTION]);
    }
    let registered = '';
    const listed = () =>
      this.cli(['operator', 'search-attribute', 'list', '--namespace', NAMESPACE]).then(
        ({ stdout }) => ((registered = stdout), true),
        () => false,
      );
    const isRegistered = (name: string) => new RegExp(`\\b${name}\\b`).test(registered);
    await this.daemons.waitFor(`knowing namespace ${NAMESPACE}`, 'frontend', listed);
    const specs = searchAttributeSpecs();
    for (const { name, type } of specs.filter(({ name }) => !isRegistered(name))) {
      say(`registering search attribute ${name} (${type})`);
      await this.cli(['operator', 'search-attribute', 'create', '--namespace', NAMESPACE, '--name', name, '--type', type]);
    }
    await this.daemons.waitFor(
      'listing the search attributes',
      'frontend',
      async () => (await listed()) && specs.every(({ name }) => isRegistered(name)),
    );
  }

  private async startUi(): Promise<void> {
    mkdirSync(path.join(this.configDir, 'ui'), { recursive: true });
    const settings = [
      `host: 127.0.0.1`,
      `port: ${this.ports.ui}`,
      `temporalGrpcAddress: 127.0.0.1:${this.ports.frontend}`,
      'enableUi: true',
      `defaultNamespace: ${NAMESPACE}`,
    ];
    writeFileSync(path.join(this.configDir, 'ui', 'ui.yaml'), `${settings.join('\n')}\n`);
    await this.ensurePortFree(this.ports.ui, 'ui', 'CLUSTER_UI_PORT');
    say(`starting the Temporal UI on http://127.0.0.1:${this.ports.ui}`);
    this.daemons.launch('ui', binaries.ui, ['--root', this.configDir, '--config', 'ui', '--env', 'ui', 'start'], process.env);
    const answers = () =>
      fetch(`http://127.0.0.1:${this.ports.ui}/`).then(
        (response) => response.ok,
        () => false,
      );
    await this.daemons.waitFor('serving the UI', 'ui', answers);
  }

  private writeEnv(): void {
    const lines = [
      `TEMPORAL_ADDRESS=127.0.0.1:${this.ports.frontend}`,
      `TEMPORAL_NAMESPACE=${NAMESPACE}`,
      `DATABASE_URL=${this.pgUrl('wes')}`,
    ];
    if (existsSync(binaries.ui)) lines.push(`TEMPORAL_UI_URL=http://127.0.0.1:${this.ports.ui}`);
    writeFileSync(path.join(this.clusterDir, 'temporal.env'), `${lines.join('\n')}\n`);
  }
}
