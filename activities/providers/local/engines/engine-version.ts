import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const VERSION_TIMEOUT_MS = 15_000;

/** The engine is there but could not be asked now (a timeout on a loaded host, a failed spawn): ask again later. */
export class EngineUnansweredError extends Error {}

/**
 * The version an engine reports for `--version` (the last word of its first line, without a leading
 * `v`: cwltool prints `/usr/bin/cwltool 3.1.20230209161050`, miniwdl `miniwdl v1.16.0` and then its
 * plugins), or undefined when it is not installed or fails.
 * Throws EngineUnansweredError when it could not be told either way.
 */
export async function engineVersion(executable: string, timeoutMs = VERSION_TIMEOUT_MS): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(executable, ['--version'], { timeout: timeoutMs });
    const version = stdout
      .trim()
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .at(-1)
      ?.replace(/^v(?=\d)/, '');
    return version === '' ? undefined : version;
  } catch (err) {
    const { code, killed } = err as { code?: unknown; killed?: boolean };
    // Not there (ENOENT, ENOTDIR), not runnable (EACCES), or it ran and exited non-zero (a number).
    if (!killed && (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || typeof code === 'number')) return undefined;
    throw new EngineUnansweredError(
      `${executable} --version: ${killed ? `no answer within ${timeoutMs / 1000} s` : (err as Error).message}`,
    );
  }
}
