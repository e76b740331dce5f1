/**
 * What the server scenarios (Temporal killed, PostgreSQL killed, a provider unreachable) share: their
 * size, small in CI and full-size with CHAOS_SCALE=full, and how they report their recovery figures:
 * a line on stdout and a JSON file in .cache/chaos/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../src/repo-root';

export const FULL_SCALE = process.env.CHAOS_SCALE === 'full';

/** The CI value, or the full-size one. */
export const scaled = <T>(ci: T, full: T): T => (FULL_SCALE ? full : ci);

/** The target: runs move again within this long after the outage ends. Reported, per scenario. */
export const RECOVERY_TARGET_MS = 60_000;

/**
 * Past this the scenario fails. Above the target by what a retry that had backed off to its cap of
 * a minute (read-model projections, a provider's status polls: docs/design.md, "Recovery") needs
 * to land when the outage ends just after it went to sleep.
 */
export const RECOVERY_BOUND_MS = RECOVERY_TARGET_MS + 15_000;

/** Resolves at the time `at` (as Date.now() tells it), at once if that has passed. */
export const until = (at: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

const RESULTS_DIR = path.join(repoRoot, '.cache', 'chaos');

/**
 * Writes `.cache/chaos/<scenario>.json` and prints the figures. `recoveryMs`: from the end of the
 * outage until the runs moved again as the scenario defines it.
 */
export function reportRecovery(scenario: string, recoveryMs: number, figures: Record<string, number | string>): void {
  const report = {
    scenario,
    scale: FULL_SCALE ? 'full' : 'ci',
    finished_at: new Date().toISOString(),
    recovery_ms: recoveryMs,
    within_target: recoveryMs <= RECOVERY_TARGET_MS,
    ...figures,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${scenario}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`chaos ${scenario}: ${Object.entries(report).slice(3).map(([key, value]) => `${key}=${value}`).join(' ')} (${file})\n`);
}
