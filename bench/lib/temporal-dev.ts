/** The repository's Temporal dev server script and CLI, as a user would drive them. */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(REPO_ROOT, 'temporal-dev.sh');

let cli: string | undefined;

/** The CLI binary `temporal-dev.sh` uses (installing it if it is missing). */
export function temporalCli(): string {
  if (cli === undefined) {
    const printed = execFileSync('bash', [SCRIPT, 'path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n');
    cli = printed[printed.length - 1];
  }
  return cli;
}

/** Whether a server answers on `address`: the same health check `temporal-dev.sh` waits on. */
export async function serverAnswers(address: string): Promise<boolean> {
  try {
    await promisify(execFile)(temporalCli(), ['operator', 'cluster', 'health', '--address', address], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** `temporal-dev.sh start|stop` with the product's environment, so it finds the same data dir and ports. */
export async function temporalDev(command: 'start' | 'stop', env: NodeJS.ProcessEnv): Promise<void> {
  await promisify(execFile)('bash', [SCRIPT, command], { env, timeout: 90_000 });
}
