/** The StartRun settings a run may choose through workflow_engine_parameters: an allow-list, as a schema. */
import { CacheBehavior, RunLogLevel, RunRetentionMode, StorageType } from '@aws-sdk/client-omics';
import { z } from 'zod';
import { InvalidRunRequestError } from '../../errors';
import { describeIssues } from '../../schema-issues';

/** Workflow, run, run group and cache ids are decimal numbers of up to 18 digits (API reference). */
export const OMICS_ID = /^[0-9]{1,18}$/;

const not = (issue: { input?: unknown }) => `, not ${JSON.stringify(issue.input)}`;
// WES engine parameters are strings (or null, a flag: none of these is one): numbers and enums arrive as text.
const integer = (min: number, max: number) => {
  const error = (issue: { input?: unknown }) => `must be an integer from ${min} to ${max}${not(issue)}`;
  return z
    .string()
    .regex(/^\s*[0-9]+\s*$/, { error })
    .transform(Number)
    .pipe(z.int().min(min, { error }).max(max, { error }));
};
const oneOf = <T extends string>(values: Record<string, T>) =>
  z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(
      z.enum(Object.values(values) as [T, ...T[]], { error: (issue) => `must be one of ${Object.values(values).join(', ')}${not(issue)}` }),
    );
const omicsId = () => z.string().regex(OMICS_ID, { error: (issue) => `must be a HealthOmics id (up to 18 digits)${not(issue)}` });
const text = (max: number) =>
  z.string().regex(new RegExp(`^(?!\\s*$)[^\\x00-\\x1f\\x7f]{1,${max}}$`), { error: `must be 1 to ${max} printable characters` });

const engineParameters = z
  .strictObject({
    storageCapacity: integer(1, 100_000).optional(),
    storageType: oneOf(StorageType).optional(),
    priority: integer(0, 100_000).optional(),
    logLevel: oneOf(RunLogLevel).optional(),
    retentionMode: oneOf(RunRetentionMode).optional(),
    name: text(128).optional(),
    runGroupId: omicsId().optional(),
    cacheId: omicsId().optional(),
    cacheBehavior: oneOf(CacheBehavior).optional(),
    workflowVersionName: text(64).optional(),
  })
  .refine((p) => !(p.storageType === StorageType.DYNAMIC && p.storageCapacity !== undefined), {
    error: 'storageCapacity applies to STATIC storage only, not DYNAMIC',
  })
  .refine((p) => p.cacheBehavior === undefined || p.cacheId !== undefined, { error: 'cacheBehavior needs a cacheId' });

export type EngineSettings = z.output<typeof engineParameters>;

export function parseEngineParameters(params: Record<string, string | null> = {}): EngineSettings {
  const parsed = engineParameters.safeParse(params);
  if (parsed.success) return parsed.data;
  throw new InvalidRunRequestError(`healthomics: workflow_engine_parameters: ${describeIssues(parsed.error)}`);
}
