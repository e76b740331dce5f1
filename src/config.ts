/**
 * Configuration from the environment, read once at start-up. Defaults give a working product
 * on one machine (README: the start command); every value can be overridden for production.
 */
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import os from 'node:os';
import path from 'node:path';
import { loadProvidersConfig, type ProvidersConfig } from '../activities/providers/config';
import { repoRoot } from './repo-root';


export interface Config {
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  taskQueue: string;
  /** This worker host's name: local runs it launches are followed on a task queue of its own. */
  hostId: string;
  /** Every run's time limit (a duration such as '30 days'); unset means none. */
  runTimeout?: Duration;
  dataDir: string;
  /** Directories whose workflows may be named by absolute path or file:// URL. */
  workflowRoots: string[];
  /** The providers runs can use (WES_PROVIDERS_FILE / WES_PROVIDERS; see activities/providers/config.ts). */
  providers: ProvidersConfig;
  /** PostgreSQL of the read model; unset means the embedded one the start command runs. */
  databaseUrl?: string;
  apiHost: string;
  apiPort: number;
  /** The largest workflow attachment the API accepts, in bytes. */
  maxAttachmentBytes: number;
  /** Bearer tokens and the owner each stands for; empty means auth is off. */
  authTokens: Map<string, string>;
}

/** `token=owner,token2=owner2` */
function parseAuthTokens(spec: string | undefined): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const pair of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new Error(`WES_AUTH_TOKENS: expected token=owner, got '${pair}'`);
    tokens.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return tokens;
}

function duration(key: string, value: string): Duration {
  try {
    if (msToNumber(value as Duration) > 0) return value as Duration;
  } catch {
    // Reported below, with the key.
  }
  throw new Error(`${key}: expected a duration such as '30 days' or '12h', got '${value}'`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const workflowRoots = (env.WES_WORKFLOW_ROOTS ?? path.join(repoRoot, 'examples'))
    .split(path.delimiter)
    .filter(Boolean)
    .map((root) => path.resolve(root));
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT ?? '7233'}`,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    temporalUiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT ?? '8233'}`,
    taskQueue: env.WES_TASK_QUEUE ?? 'durable-wes',
    hostId: env.WES_HOST_ID || os.hostname(),
    runTimeout: env.WES_RUN_TIMEOUT ? duration('WES_RUN_TIMEOUT', env.WES_RUN_TIMEOUT) : undefined,
    dataDir: path.resolve(env.WES_DATA_DIR ?? path.join(repoRoot, '.data')),
    workflowRoots,
    providers: loadProvidersConfig(env, workflowRoots),
    databaseUrl: env.DATABASE_URL || undefined,
    apiHost: env.WES_API_HOST ?? '127.0.0.1',
    apiPort: Number(env.WES_API_PORT ?? 8080),
    maxAttachmentBytes: Number(env.WES_MAX_ATTACHMENT_BYTES ?? 100 * 1024 * 1024),
    authTokens: parseAuthTokens(env.WES_AUTH_TOKENS),
  };
}
