/** The settings of the wes provider: another WES service (config.ts reads them from the providers document). */
import { z } from 'zod';
import { maxConcurrent, positiveInteger, text, type Env } from '../settings-schemas';

// Secrets stay out of the providers file: `tokenEnv` names the environment variable holding the token.
export const wesSettings = (env: Env) =>
  z
    .strictObject({
      kind: z.literal('wes'),
      maxConcurrent,
      /** The remote's WES base URL, e.g. http://127.0.0.1:8080/ga4gh/wes/v1. */
      baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((url) => url.replace(/\/+$/, '')),
      /** Sent as `Authorization: Bearer <token>`. */
      token: text().optional(),
      tokenEnv: text().optional(),
      /** How often the poll activity asks for status. */
      pollIntervalMs: positiveInteger().default(5000),
      /** The limit of one HTTP request, response body included. */
      requestTimeoutMs: positiveInteger().default(30_000),
      /** How many pages of GET /runs the search for an unrecorded submission reads. */
      recoveryMaxPages: positiveInteger().default(10),
      /** How many runs that search looks at, at most. */
      recoveryMaxRuns: positiveInteger().default(1000),
    })
    .transform(({ tokenEnv, ...settings }, context) => {
      if (tokenEnv === undefined) return settings;
      const token = env[tokenEnv];
      const problem =
        settings.token !== undefined
          ? 'set token or tokenEnv, not both'
          : token
            ? undefined
            : `environment variable ${tokenEnv} is not set`;
      if (problem === undefined) return { ...settings, token };
      context.issues.push({ code: 'custom', path: ['tokenEnv'], message: problem, input: tokenEnv });
      return z.NEVER;
    });

export type WesSettings = z.output<ReturnType<typeof wesSettings>>;
