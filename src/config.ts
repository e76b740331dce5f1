/**
 * Configuration from the environment, read once at start-up. Defaults give a working product
 * on one machine (README: the start command); every value can be overridden for production.
 */
import path from 'node:path';

const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

export interface Config {
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  taskQueue: string;
  dataDir: string;
  /** Directories whose workflows may be named by absolute path or file:// URL. */
  workflowRoots: string[];
  defaultProvider: string;
  cwltool: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.TEMPORAL_PORT ?? '7233'}`,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    temporalUiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT ?? '8233'}`,
    taskQueue: env.WES_TASK_QUEUE ?? 'durable-wes',
    dataDir: path.resolve(env.WES_DATA_DIR ?? path.join(repoRoot, '.data')),
    workflowRoots: (env.WES_WORKFLOW_ROOTS ?? path.join(repoRoot, 'examples'))
      .split(path.delimiter)
      .filter(Boolean)
      .map((root) => path.resolve(root)),
    defaultProvider: env.WES_DEFAULT_PROVIDER ?? 'local',
    cwltool: env.WES_CWLTOOL ?? 'cwltool',
  };
}
