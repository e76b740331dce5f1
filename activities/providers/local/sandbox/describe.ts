/** A local provider's sandbox and limits in one line, as service-info and the worker's start-up log show them. */
import type { LocalSettings, SandboxSettings } from '../settings';
import { formatSize } from '../../../byte-sizes';

function describeEgress(sandbox: SandboxSettings): string {
  if (!sandbox.egress) return 'no network';
  const allowed = ['public addresses', ...sandbox.egressAllow].join(', ');
  return `egress through the worker's proxy to ${allowed} on ports ${sandbox.egressPorts.join(', ')} (${formatSize(sandbox.egressBytes)} per run)`;
}

export function describeSandbox(settings: LocalSettings): string {
  const perOwner = settings.maxEnginesPerOwner === undefined ? '' : `, ${settings.maxEnginesPerOwner} of one owner`;
  const engines = `at most ${settings.maxEngines} engines at once${perOwner}`;
  const { sandbox } = settings;
  if (sandbox === 'off') return `off: engines run unconfined as the worker's user; ${engines}`;
  return [
    `bubblewrap as ${sandbox.user} (when the worker is root), ${describeEgress(sandbox)}`,
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
