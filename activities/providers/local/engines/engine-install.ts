/**
 * Where each engine version runs from (docs/design.md, "Engine versions"): its own venv,
 * `<engine cache>/<engine>-<version>/`, made with its pinned specs by scripts/install-engine.sh,
 * by the two commands for the defaults (scripts/engines.sh) and by the worker on a version's first
 * use. The script's lock makes runs that ask at once install it once.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../../repo-root';
import { readFileIfExists } from '../../../work-dir';
import type { LocalSettings } from '../settings';
import type { LocalEngine } from './engine';

const INSTALL_SCRIPT = path.join(repoRoot, 'scripts', 'install-engine.sh');
/** Written last by the script: the specs installed, one a line. */
const MARKER = '.installed';
/** pip resolves and downloads; a stuck one is given up and the activity tries again. */
const INSTALL_TIMEOUT_MS = 30 * 60_000;
const STDERR_TAIL_CHARS = 2000;

/** The settings this needs: where venvs live, and the executables that replace the defaults'. */
export type EngineInstallSettings = Pick<LocalSettings, 'engineCache' | LocalEngine['name']>;

export function engineVenv(settings: EngineInstallSettings, engine: LocalEngine, version: string): string {
  return path.join(settings.engineCache, `${engine.name}-${version}`);
}

/** The executable setting of an engine, when given, runs its default version instead of the venv. */
function configured(settings: EngineInstallSettings, engine: LocalEngine, version: string): string | undefined {
  return version === engine.releases.default ? settings[engine.name] : undefined;
}

export function engineExecutable(settings: EngineInstallSettings, engine: LocalEngine, version: string): string {
  return configured(settings, engine, version) ?? path.join(engineVenv(settings, engine, version), 'bin', engine.name);
}

/** Whether the version's venv must be made before a run can use it: its marker does not name its specs. */
export async function needsInstall(settings: EngineInstallSettings, engine: LocalEngine, version: string): Promise<boolean> {
  if (configured(settings, engine, version) !== undefined) return false;
  const marker = await readFileIfExists(path.join(engineVenv(settings, engine, version), MARKER));
  return (
    marker !==
    specsOf(engine, version)
      .map((spec) => `${spec}\n`)
      .join('')
  );
}

/** Makes the version's venv, or waits for the worker or command making it, or finds it made. */
export async function installEngine(settings: EngineInstallSettings, engine: LocalEngine, version: string): Promise<void> {
  try {
    await promisify(execFile)('bash', [INSTALL_SCRIPT, engineVenv(settings, engine, version), ...specsOf(engine, version)], {
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 16 * 2 ** 20,
    });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    const tail = (stderr ?? '').slice(-STDERR_TAIL_CHARS);
    throw new Error(`installing ${engine.name} ${version} failed: ${(err as Error).message}${tail ? `\n${tail}` : ''}`);
  }
}

function specsOf(engine: LocalEngine, version: string): string[] {
  const specs = Object.hasOwn(engine.releases.pip, version) ? engine.releases.pip[version] : undefined;
  if (!specs) throw new Error(`${engine.name} has no release ${version}`);
  return specs;
}
