/**
 * How big a chaos scenario is: `CHAOS_SCALE=full` (scripts/chaos.sh) gives the sizes of the issue,
 * anything else the small counts that keep `npm test` within its budget.
 */
export type ChaosScale = 'ci' | 'full';

export function chaosScale(env: NodeJS.ProcessEnv = process.env): ChaosScale {
  const scale = env.CHAOS_SCALE ?? 'ci';
  if (scale !== 'ci' && scale !== 'full') throw new Error(`CHAOS_SCALE: expected ci or full, got ${JSON.stringify(scale)}`);
  return scale;
}

/** The CI count, or the full one under CHAOS_SCALE=full. */
export const scaled = <T>(ci: T, full: T): T => (chaosScale() === 'full' ? full : ci);
