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

/** Every scenario must be running again within this long after its outage ends (the issue's target). */
export const RECOVERY_BOUND_MS = 60_000;

export const RESULTS_DIR = path.join(repoRoot, '.cache', 'chaos');

/** Writes `.cache/chaos/<scenario>.json` and prints the figures. */
export function reportRecovery(scenario: string, figures: Record<string, number | string>): void {
  const report = { scenario, scale: FULL_SCALE ? 'full' : 'ci', finished_at: new Date().toISOString(), ...figures };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${scenario}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`chaos ${scenario}: ${Object.entries(figures).map(([key, value]) => `${key}=${value}`).join(' ')} (${file})\n`);
}
