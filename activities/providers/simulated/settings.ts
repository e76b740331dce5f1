/** The settings of the simulated provider (config.ts reads them from the providers document). */
import { z } from 'zod';
import { maxConcurrent, positiveInteger } from '../settings-schemas';

export const simulatedSettings = () =>
  z.strictObject({
    kind: z.literal('simulated'),
    maxConcurrent,
    pollIntervalMs: positiveInteger().default(200),
  });

export type SimulatedSettings = z.output<ReturnType<typeof simulatedSettings>>;
