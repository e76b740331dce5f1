/**
 * The pieces the settings schemas of several provider kinds share (docs/design.md, "Providers and
 * task queues"): each kind's own schema is in its folder, the document that names them in config.ts.
 */
import { z } from 'zod';
import { parseSize } from '../byte-sizes';
import { allowEntryProblem } from '../fetch/address-policy';

export type Env = Record<string, string | undefined>;

export const positiveInteger = () => z.int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' });
export const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).min(1, { error: 'must not be empty' });

/** How many of this provider's activities one worker runs at once (default 50). */
export const maxConcurrent = positiveInteger().optional();

export const GiB = 1024 ** 3;

/** Networks, addresses and host names reached besides public addresses (address-policy.ts). */
export const allowList = () =>
  z
    .array(
      text().superRefine((entry, context) => {
        const problem = allowEntryProblem(entry);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: entry });
      }),
    )
    .default([]);

/** "8GiB", "64 MiB" or a number of bytes; bytes once parsed. */
const SIZE_ERROR = 'must be a size such as "8GiB", "512 MiB" or a number of bytes';
export const byteSize = () =>
  z.union([z.number(), z.string()], { error: SIZE_ERROR }).transform((size, context) => {
    const bytes = parseSize(size);
    if (bytes !== undefined) return bytes;
    context.issues.push({ code: 'custom', message: SIZE_ERROR, input: size });
    return z.NEVER;
  });

/** How the worker fetches a run's http(s) inputs before its engine starts (docs/design.md, "Inputs fetched by the service"). */
export const fetchSchema = z
  .strictObject({
    /** What the worker fetches from besides public addresses. */
    allow: allowList(),
    /** The largest input, and the most bytes a run's inputs may total. */
    maxBytes: positiveInteger().default(GiB),
    maxRunBytes: positiveInteger().default(10 * GiB),
    /** One download's time limit, redirects included. */
    timeoutMs: positiveInteger().default(30 * 60_000),
    maxRedirects: z
      .int({ error: 'must be an integer from 0 to 20' })
      .min(0)
      .max(20, { error: 'must be an integer from 0 to 20' })
      .default(5),
  })
  .prefault({});

export type FetchSettings = z.output<typeof fetchSchema>;
