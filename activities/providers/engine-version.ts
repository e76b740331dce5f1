import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const VERSION_TIMEOUT_MS = 15_000;

/**
 * The version an engine reports for `--version` (its last word: cwltool prints
 * `/usr/bin/cwltool 3.1.20230209161050`), or undefined when it is not installed or does not answer.
 */
export async function engineVersion(executable: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(executable, ['--version'], { timeout: VERSION_TIMEOUT_MS });
    return stdout.trim().split(/\s+/).pop() || undefined;
  } catch {
    return undefined;
  }
}
