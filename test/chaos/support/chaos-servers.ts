/**
 * What the server scenarios (Temporal killed, PostgreSQL killed, a provider unreachable) add to
 * the shared sizing and reports: a bound that allows for retries backed off during the outage, and
 * the recovery time measured from the end of the outage.
 */
import { RECOVERY_TARGET_MS, reportRecovery } from './recovery-report';

export { scaled } from './scale';

/**
 * Past this the scenario fails. Above the target by what a retry that had backed off to its cap of
 * a minute (read-model projections, a provider's status polls: docs/design.md, "Recovery") needs
 * to land when the outage ends just after it went to sleep.
 */
export const RECOVERY_BOUND_MS = RECOVERY_TARGET_MS + 15_000;

/** Resolves at the time `at` (as Date.now() tells it), at once if that has passed. */
export const until = (at: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** `recoveryMs`: from the end of the outage until the runs moved again as the scenario defines it. */
export function reportServerRecovery(scenario: string, recoveryMs: number, figures: Record<string, number | string | boolean>): void {
  reportRecovery(scenario, { recovery_ms: recoveryMs, within_target: recoveryMs <= RECOVERY_TARGET_MS, ...figures });
}
