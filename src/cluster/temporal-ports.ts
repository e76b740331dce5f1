/**
 * The ports of the Temporal half. A running cluster keeps the ports `up` recorded in ports.env:
 * every command talks to those, whatever its own environment says, and asking for others is an
 * error rather than a second cluster.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClusterError, type Daemons } from './daemons';

export type Service = 'frontend' | 'history' | 'matching' | 'worker';

export interface Instance {
  name: string;
  service: Service;
  grpc: number;
  membership: number;
}

export interface TemporalPorts {
  postgres: number;
  frontend: number;
  ui: number;
  frontendHttp: number;
  /** The frontend first. */
  instances: Instance[];
}

const VARIABLES = { CLUSTER_PG_PORT: 17432, CLUSTER_TEMPORAL_PORT: 17233, CLUSTER_UI_PORT: 18233 };
type Variable = keyof typeof VARIABLES;

function portsFile(daemons: Daemons): string {
  return path.join(daemons.clusterDir, 'ports.env');
}

export function temporalPorts(daemons: Daemons, processNames: string[], env: NodeJS.ProcessEnv = process.env): TemporalPorts {
  const chosen = Object.fromEntries(Object.entries(VARIABLES).map(([name, port]) => [name, env[name] ?? String(port)])) as Record<
    Variable,
    string
  >;
  const file = portsFile(daemons);
  if (existsSync(file) && processNames.some((name) => daemons.runningPid(name))) {
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const [variable, value] = line.split('=') as [Variable, string];
      if (env[variable] !== undefined && env[variable] !== value) {
        throw new ClusterError(
          `the cluster in ${daemons.clusterDir} runs with ${variable}=${value}, not ${env[variable]}: 'down' it first`,
        );
      }
      chosen[variable] = value;
    }
  }
  const frontend = Number(chosen.CLUSTER_TEMPORAL_PORT);
  // The services' other ports follow the frontend's (17240-17251 by default): moving it moves them all.
  const block = frontend + 7;
  const instance = (name: string, service: Service, grpc: number, membership: number): Instance => ({ name, service, grpc, membership });
  return {
    postgres: Number(chosen.CLUSTER_PG_PORT),
    frontend,
    ui: Number(chosen.CLUSTER_UI_PORT),
    frontendHttp: block + 1,
    instances: [
      instance('frontend', 'frontend', frontend, block),
      instance('history-1', 'history', block + 2, block + 3),
      instance('history-2', 'history', block + 4, block + 5),
      instance('matching-1', 'matching', block + 6, block + 7),
      instance('matching-2', 'matching', block + 8, block + 9),
      instance('worker', 'worker', block + 10, block + 11),
    ],
  };
}

export function recordPorts(daemons: Daemons, ports: TemporalPorts): void {
  writeFileSync(
    portsFile(daemons),
    `CLUSTER_PG_PORT=${ports.postgres}\nCLUSTER_TEMPORAL_PORT=${ports.frontend}\nCLUSTER_UI_PORT=${ports.ui}\n`,
  );
}

export function forgetPorts(daemons: Daemons): void {
  rmSync(portsFile(daemons), { force: true });
}
