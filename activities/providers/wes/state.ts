/** How a remote run's WES state shows as a provider state, and why a remote run failed. */
import { WES_STATES } from '../../../domain/wes-state';
import type { ProviderState, ProviderStatus, RunLog } from '../../../domain/run-types';
import { isUrl } from './results';

/** Every WES state but CANCELING, which our workflow tracks itself. */
const PASSED_THROUGH: readonly string[] = WES_STATES.filter((state) => state !== 'CANCELING');
const DETAIL_LINES = 10;

/** The provider state of remote run `id` in `remoteState`; a failure's detail is added by `failureDetail`. */
export function providerStatus(id: string, remoteState: string): ProviderStatus {
  const state = remoteState.toUpperCase();
  // Our workflow tracks canceling itself: to it, a remote run being cancelled still runs.
  if (state === 'CANCELING') return { state: 'RUNNING', detail: `remote run ${id} is CANCELING` };
  if (!PASSED_THROUGH.includes(state)) {
    return { state: 'UNKNOWN', detail: `remote run ${id} reports a state WES does not define: ${remoteState}` };
  }
  return { state: state as ProviderState };
}

function tailLines(text: string, lines: number): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- ESC (\u001b) starts the ANSI colour codes removed here
      .replace(/\u001b\[[0-9;]*[A-Za-z]/g, '')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .join('\n')
  );
}

/** Why a remote run failed, after `heading`: exit code, system logs, the tail of inline stderr. */
export function failureDetail(heading: string, { exit_code, system_logs = [], stderr }: RunLog): string {
  const parts = [exit_code === undefined ? heading : `${heading} with exit code ${exit_code}`];
  if (system_logs.length > 0) parts.push(tailLines(system_logs.join('\n'), DETAIL_LINES));
  if (stderr !== undefined) parts.push(isUrl(stderr) ? `stderr: ${stderr.trim()}` : tailLines(stderr, DETAIL_LINES));
  return parts.join(':\n');
}
