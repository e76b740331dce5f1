/**
 * A scenario's figures (recovery times, counts) printed and written to `.cache/chaos/<name>.json`.
 * Reported, not asserted: the tests assert that nothing is lost or run twice, and a 60 s bound.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chaosScale } from './scale';

export const RESULTS_DIR = path.resolve(__dirname, '../../../.cache/chaos');

/** The target: every scenario recovers within this. */
export const RECOVERY_TARGET_MS = 60_000;

export function reportRecovery(name: string, figures: Record<string, number | string | boolean>): void {
  const report = { scenario: name, scale: chaosScale(), at: new Date().toISOString(), cpus: os.cpus().length, ...figures };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`chaos ${name}: ${JSON.stringify(report)} (${path.relative(process.cwd(), file)})\n`);
}
