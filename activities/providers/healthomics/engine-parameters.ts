/** The StartRun settings a run may choose through workflow_engine_parameters: an allow-list, each with its check. */
import { CacheBehavior, RunLogLevel, RunRetentionMode, type StartRunCommandInput, StorageType } from '@aws-sdk/client-omics';
import { InvalidRunRequestError } from '../../errors';

/** Workflow, run, run group and cache ids are decimal numbers of up to 18 digits (API reference). */
export const OMICS_ID = /^[0-9]{1,18}$/;
const MAX_NAME = 128;
const MAX_STORAGE_GIB = 100_000;
const MAX_PRIORITY = 100_000;

type EngineSettings = Pick<
  StartRunCommandInput,
  | 'storageCapacity'
  | 'storageType'
  | 'priority'
  | 'logLevel'
  | 'retentionMode'
  | 'name'
  | 'runGroupId'
  | 'cacheId'
  | 'cacheBehavior'
  | 'workflowVersionName'
>;

const invalid = (key: string, what: string) => new InvalidRunRequestError(`healthomics: workflow_engine_parameters.${key} must be ${what}`);

function oneOf<T extends string>(key: string, allowed: Record<string, T>): (value: string) => T {
  const values = Object.values(allowed);
  return (value) => {
    const upper = value.toUpperCase() as T;
    if (!values.includes(upper)) throw invalid(key, `one of ${values.join(', ')}, not ${JSON.stringify(value)}`);
    return upper;
  };
}

function integer(key: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\s*[0-9]+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(key, `an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
    return n;
  };
}

function omicsId(key: string): (value: string) => string {
  return (value) => {
    if (!OMICS_ID.test(value)) throw invalid(key, `a HealthOmics id (up to 18 digits), not ${JSON.stringify(value)}`);
    return value;
  };
}

function text(key: string, max: number): (value: string) => string {
  return (value) => {
    if (value.trim() === '' || value.length > max || /[\x00-\x1f\x7f]/.test(value)) throw invalid(key, `1 to ${max} printable characters`);
    return value;
  };
}

const ENGINE_PARAMETERS: { [K in keyof EngineSettings]-?: (value: string) => NonNullable<EngineSettings[K]> } = {
  storageCapacity: integer('storageCapacity', 1, MAX_STORAGE_GIB),
  storageType: oneOf('storageType', StorageType),
  priority: integer('priority', 0, MAX_PRIORITY),
  logLevel: oneOf('logLevel', RunLogLevel),
  retentionMode: oneOf('retentionMode', RunRetentionMode),
  name: text('name', MAX_NAME),
  runGroupId: omicsId('runGroupId'),
  cacheId: omicsId('cacheId'),
  cacheBehavior: oneOf('cacheBehavior', CacheBehavior),
  workflowVersionName: text('workflowVersionName', 64),
};

export function parseEngineParameters(params: Record<string, string> = {}): EngineSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(params)) {
    if (!Object.prototype.hasOwnProperty.call(ENGINE_PARAMETERS, key)) {
      throw new InvalidRunRequestError(
        `healthomics: unknown workflow_engine_parameters key ${JSON.stringify(key)} (allowed: ${Object.keys(ENGINE_PARAMETERS).join(', ')})`,
      );
    }
    settings[key] = ENGINE_PARAMETERS[key as keyof EngineSettings](raw);
  }
  const result = settings as EngineSettings;
  if (result.storageType === StorageType.DYNAMIC && result.storageCapacity !== undefined) {
    throw new InvalidRunRequestError('healthomics: storageCapacity applies to STATIC storage only, not DYNAMIC');
  }
  if (result.cacheBehavior !== undefined && result.cacheId === undefined) {
    throw new InvalidRunRequestError('healthomics: cacheBehavior needs a cacheId');
  }
  return result;
}
