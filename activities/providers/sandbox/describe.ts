/** A local provider's sandbox and limits in one line, as service-info and the worker's start-up log show them. */
import type { LocalSettings, ProvidersConfig } from '../config';
import { formatSize } from './sizes';

export function describeSandbox(settings: LocalSettings): string {
  const engines = `at most ${settings.maxEngines} engines at once`;
  const { sandbox } = settings;
  if (sandbox === 'off') return `off: engines run unconfined as the worker's user; ${engines}`;
  return [
    `bubblewrap as ${sandbox.user} (when the worker is root), no network`,
    `memory ${formatSize(sandbox.memory)}`,
    `${sandbox.processes} processes`,
    `cpus ${sandbox.cpus ?? 'all'}`,
    `wall time ${sandbox.wallTimeSeconds === undefined ? 'WES_RUN_TIMEOUT' : `${sandbox.wallTimeSeconds} s`}`,
    `disk ${formatSize(sandbox.disk)}`,
    `logs ${formatSize(sandbox.logBytes)} per stream`,
    `env ${['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', ...sandbox.env].join(',')}`,
    engines,
  ].join('; ');
}

/** Each local provider's description, by name. */
export function localSandboxes(config: ProvidersConfig): Array<[string, LocalSettings, string]> {
  return Object.entries(config.providers).flatMap(([name, settings]) => (settings.kind === 'local' ? [[name, settings, describeSandbox(settings)] as [string, LocalSettings, string]] : []));
}
