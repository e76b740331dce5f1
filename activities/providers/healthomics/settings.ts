/** The settings of the healthomics provider: AWS HealthOmics (config.ts reads them from the providers document). */
import { z } from 'zod';
import { maxConcurrent, positiveInteger, text } from '../settings-schemas';

export const healthOmicsSettings = () =>
  z.strictObject({
    kind: z.literal('healthomics'),
    maxConcurrent,
    /** The AWS region of the workflows, the runs and the output bucket. */
    region: text(),
    /** The service role HealthOmics assumes for each run (S3, CloudWatch Logs, ECR access). */
    roleArn: text().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/, { error: 'must be an IAM role ARN' }),
    /** `s3://bucket[/prefix]`: HealthOmics writes each run under `<outputUri>/<healthomics run id>/`. */
    outputUri: text().regex(/^s3:\/\/[^/]+/, { error: 'must be an s3:// URI' }),
    /** Default STATIC run storage in GiB, when a run does not set one. */
    storageCapacity: z.int().min(1).max(100_000, { error: 'must be an integer from 1 to 100000 (GiB)' }).optional(),
    /** PRIVATE (the account's own or shared workflows) or READY2RUN (AWS-provided workflows). */
    workflowType: z.enum(['PRIVATE', 'READY2RUN']).optional(),
    /** How often the poll activity asks HealthOmics for status. */
    pollIntervalMs: positiveInteger().default(30_000),
  });

export type HealthOmicsSettings = z.output<ReturnType<typeof healthOmicsSettings>>;
