/**
 * A run's WES RunRequest as HealthOmics' StartRun request. A run names a workflow that already
 * exists in HealthOmics; the workflow's definition (and so its engine) lives there, not here:
 *   workflow_url                 `omics:<workflowId>`, a bare workflow id, or the workflow's ARN
 *                                `arn:aws:omics:<region>:<account>:workflow/<workflowId>`
 *   workflow_type                CWL, WDL or NEXTFLOW: HealthOmics' engines. HealthOmics takes the
 *                                engine from the workflow itself, so this is checked, not sent.
 *   workflow_params              the run's `parameters`
 *   tags                         the run's tags as forwarded to any backend (run-tags.ts)
 *   workflow_engine_parameters   an allow-list of StartRun settings (engine-parameters.ts)
 * The run id is StartRun's `requestId`, HealthOmics' idempotency token.
 */
import { type StartRunCommandInput, StorageType } from '@aws-sdk/client-omics';
import { InvalidRunRequestError } from '../../errors';
import { forwardedTags } from '../../run-tags';
import type { HealthOmicsSettings } from './settings';
import type { ProviderRun, WesRunRequest } from '../../../domain/run-types';
import { inexactNumberAt } from '../../../domain/exact-json';
import { formatKey } from '../../../domain/key-path';
import { OMICS_ID, parseEngineParameters } from './engine-parameters';

/** HealthOmics' workflow engines, as WES workflow types. */
const HEALTHOMICS_WORKFLOW_TYPES = ['CWL', 'WDL', 'NEXTFLOW'] as const;

const WORKFLOW_ARN = /^arn:(aws[a-z-]*):omics:([a-z0-9-]+):([0-9]{12})?:workflow\/([^/]+)$/;
/** HealthOmics tag limits: 50 tags a run, keys of 1 to 128 characters, values of up to 256. */
const MAX_TAGS = 50;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;

/** The HealthOmics workflow id a workflow_url names; throws InvalidRunRequestError otherwise. */
function parseWorkflowUrl(workflowUrl: string, region?: string): string {
  const url = workflowUrl.trim();
  let id = url;
  const arn = WORKFLOW_ARN.exec(url);
  if (arn) {
    const arnRegion = arn[2];
    if (region !== undefined && arnRegion !== region) {
      throw new InvalidRunRequestError(`healthomics: workflow ${url} is in region ${arnRegion}, but this provider runs in ${region}`);
    }
    id = arn[4];
  } else if (/^omics:/i.test(url)) {
    id = url.slice('omics:'.length);
  }
  if (!OMICS_ID.test(id)) {
    throw new InvalidRunRequestError(
      `healthomics: workflow_url must be omics:<workflowId>, a HealthOmics workflow id (digits) or arn:aws:omics:<region>:<account>:workflow/<workflowId>, not ${JSON.stringify(url)}`,
    );
  }
  return id;
}

/** The run's tags, checked against HealthOmics' limits. */
function omicsTags(request: WesRunRequest, runId: string): Record<string, string> {
  const tags = forwardedTags(request, runId);
  for (const [key, value] of Object.entries(tags)) {
    if (key.length === 0 || key.length > MAX_TAG_KEY || key.toLowerCase().startsWith('aws:')) {
      throw new InvalidRunRequestError(
        `healthomics: tag key ${JSON.stringify(key)} must be 1 to ${MAX_TAG_KEY} characters and not start with aws:`,
      );
    }
    if (value.length > MAX_TAG_VALUE) {
      throw new InvalidRunRequestError(`healthomics: tag ${JSON.stringify(key)} is longer than ${MAX_TAG_VALUE} characters`);
    }
  }
  if (Object.keys(tags).length > MAX_TAGS) {
    throw new InvalidRunRequestError(`healthomics: a run may have at most ${MAX_TAGS - 1} tags (one is durable-wes's own)`);
  }
  return tags;
}

/** The StartRun request for a run; throws InvalidRunRequestError for what cannot run here. */
export function startRunInput({ request, runId }: ProviderRun, settings: HealthOmicsSettings): StartRunCommandInput {
  if (!(HEALTHOMICS_WORKFLOW_TYPES as readonly string[]).includes(request.workflow_type.toUpperCase())) {
    throw new InvalidRunRequestError(
      `healthomics: workflow_type must be one of ${HEALTHOMICS_WORKFLOW_TYPES.join(', ')}, not ${JSON.stringify(request.workflow_type)}`,
    );
  }
  const engine = parseEngineParameters(request.workflow_engine_parameters);
  // The AWS SDK writes parameters with JSON.stringify: a number beyond a double would arrive as an object (docs/formats.md, "Numbers").
  const inexact = inexactNumberAt(request.workflow_params, ['workflow_params']);
  if (inexact)
    throw new InvalidRunRequestError(`healthomics: ${formatKey(inexact)}: HealthOmics takes only numbers a double holds exactly`);
  const storageCapacity = engine.storageCapacity ?? (engine.storageType === StorageType.DYNAMIC ? undefined : settings.storageCapacity);
  return {
    workflowId: parseWorkflowUrl(request.workflow_url, settings.region),
    roleArn: settings.roleArn,
    outputUri: settings.outputUri,
    requestId: runId,
    ...engine,
    name: engine.name ?? runId,
    tags: omicsTags(request, runId),
    ...(settings.workflowType !== undefined && { workflowType: settings.workflowType }),
    ...(storageCapacity !== undefined && { storageCapacity }),
    ...(request.workflow_params !== undefined && { parameters: request.workflow_params as StartRunCommandInput['parameters'] }),
  };
}
