/**
 * A WES `RunRequest` as submitted, in either form POST /runs takes: multipart/form-data as the
 * spec defines it (object fields as JSON strings), or a JSON object with the same fields. Checked
 * field by field, so that every mistake is a 400 that names the field.
 */
import { BadRequestException } from '@nestjs/common';
import type { WesRunRequest } from '../../../workflows/run-types';

export type SubmissionForm = 'multipart' | 'json';

export interface RunSubmission {
  request: WesRunRequest;
  /** Hold the run for approval (PAUSED) before it is submitted. */
  requireApproval: boolean;
}

/** The tag that asks for approval without any extension field, like `wes_provider` picks a provider. */
export const REQUIRE_APPROVAL_TAG = 'wes_require_approval';
/** The largest JSON body or form field: workflow parameters are small; files go in attachments. */
export const MAX_FIELD_BYTES = 10 * 1024 * 1024;

const REQUIRED_STRINGS = ['workflow_type', 'workflow_type_version', 'workflow_url'] as const;
const OPTIONAL_STRINGS = ['workflow_engine', 'workflow_engine_version'] as const;
const KNOWN_FIELDS = new Set<string>([
  ...REQUIRED_STRINGS,
  ...OPTIONAL_STRINGS,
  'workflow_params',
  'tags',
  'workflow_engine_parameters',
  'require_approval',
]);

const bad = (message: string) => new BadRequestException(message);

export function parseRunSubmission(body: unknown, form: SubmissionForm): RunSubmission {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('the run request must be an object of fields');
  const fields = body as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    // An unknown field is most likely a misspelt one: ignoring it would run something else than meant.
    if (!KNOWN_FIELDS.has(name)) throw bad(`unknown field '${name}'`);
  }
  const field = form === 'multipart' ? formField(fields) : jsonField(fields);

  const request: WesRunRequest = {
    workflow_type: requiredString(field, 'workflow_type'),
    workflow_type_version: requiredString(field, 'workflow_type_version'),
    workflow_url: requiredString(field, 'workflow_url'),
  };
  for (const name of OPTIONAL_STRINGS) {
    const value = optionalString(field, name);
    if (value !== undefined) request[name] = value;
  }
  if (request.workflow_engine_version !== undefined && request.workflow_engine === undefined) {
    throw bad('workflow_engine is required when workflow_engine_version is given');
  }
  const params = field('workflow_params', 'object');
  if (params !== undefined) request.workflow_params = jsonObject(params, 'workflow_params');
  const tags = field('tags', 'object');
  if (tags !== undefined) request.tags = stringMap(tags, 'tags');
  const engineParams = field('workflow_engine_parameters', 'object');
  if (engineParams !== undefined) request.workflow_engine_parameters = stringMap(engineParams, 'workflow_engine_parameters');

  return { request, requireApproval: approvalField(field('require_approval', 'boolean')) || approvalTag(request.tags) };
}

type Kind = 'string' | 'object' | 'boolean';
/** A field's value in its JSON shape, undefined when absent. */
type FieldReader = (name: string, kind: Kind) => unknown;

/** Multipart values are strings; objects come as JSON text, booleans as `true` / `false`. */
function formField(fields: Record<string, unknown>): FieldReader {
  return (name, kind) => {
    const raw = fields[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') throw bad(`${name} must be given once, as a plain form field`);
    // Form clients send empty fields for what they leave unset.
    if (raw === '') return undefined;
    if (kind === 'string') return raw;
    if (kind === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw bad(`${name} must be true or false`);
      return raw === 'true';
    }
    try {
      return JSON.parse(raw);
    } catch (err) {
      throw bad(`${name} is not valid JSON: ${(err as Error).message}`);
    }
  };
}

function jsonField(fields: Record<string, unknown>): FieldReader {
  return (name) => (fields[name] === null ? undefined : fields[name]);
}

function requiredString(field: FieldReader, name: string): string {
  const value = optionalString(field, name);
  if (value === undefined || value.trim() === '') throw bad(`${name} is required`);
  return value;
}

function optionalString(field: FieldReader, name: string): string | undefined {
  const value = field(name, 'string');
  if (value !== undefined && typeof value !== 'string') throw bad(`${name} must be a string`);
  return value as string | undefined;
}

function jsonObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

function stringMap(value: unknown, name: string): Record<string, string> {
  const object = jsonObject(value, name);
  for (const [key, inner] of Object.entries(object)) {
    if (typeof inner !== 'string') throw bad(`${name}.${key} must be a string`);
  }
  return object as Record<string, string>;
}

function approvalField(value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw bad('require_approval must be true or false');
  return value === true;
}

function approvalTag(tags: Record<string, string> | undefined): boolean {
  const value = tags?.[REQUIRE_APPROVAL_TAG];
  if (value !== undefined && value !== 'true' && value !== 'false') throw bad(`tag ${REQUIRE_APPROVAL_TAG} must be "true" or "false"`);
  return value === 'true';
}
