/**
 * The API's OpenAPI document: the official WES 1.1 document (spec/wes-openapi.yaml, verbatim)
 * with our extensions laid over it by an OpenAPI Overlay (durable-wes.overlay.yaml), so that ours
 * stays as close to the standard as it is and says, in the standard's own terms, where it differs.
 * The service-info schema it refers to by remote URL is inlined from spec/service-info.yaml, so
 * that the document validates offline.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from './openapi-types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openapiOverlay, type JsonObject, type OpenAPIOverlayAction, type OpenAPIOverlayOptions } from 'openapi-format';
import { parse } from 'yaml';
import { API_PREFIX } from '../core/base-url';
import { repoRoot } from '../../../activities/repo-root';

const SERVICE_INFO_URL = 'https://raw.githubusercontent.com/ga4gh-discovery/ga4gh-service-info/v1.0.0/service-info.yaml';
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

// Merge keys (`<<`) let the overlay's two forms of a run request share their fields.
const readYaml = (file: string): unknown => parse(readFileSync(file, 'utf8'), { merge: true });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export interface DocumentOptions {
  /** Auth is on: operations but the public ones (`security: []`) need a bearer token. */
  authOn: boolean;
  /** Tokens may be JWTs of an identity provider. */
  jwt?: boolean;
  /** A rate limit is on: any operation may answer 429. */
  rateLimited?: boolean;
  version: string;
}

/** The official WES 1.1 document as it is, but for the service-info schemas inlined (it resolves offline). */
export function officialDocument(): OpenAPIObject {
  // The spec's own OpenAPI 3 files, which the tests validate as such.
  const official = readYaml(path.join(repoRoot, 'spec', 'wes-openapi.yaml')) as OpenAPIObject;
  inlineServiceInfo(official, readYaml(path.join(repoRoot, 'spec', 'service-info.yaml')) as OpenAPIObject);
  return official;
}

export async function buildOpenApiDocument(options: DocumentOptions): Promise<OpenAPIObject> {
  // openapi-format takes the document as a plain JSON object (a shallow copy says so to the compiler).
  const official: JsonObject = { ...officialDocument() };
  const { data, resultData } = await openapiOverlay(official, {
    overlaySet: readYaml(path.join(repoRoot, 'src', 'api', 'openapi', 'durable-wes.overlay.yaml')) as OpenAPIOverlayOptions['overlaySet'],
  });
  // openapi-format types its report loosely: for an overlay it lists the actions that matched nothing, as given.
  const unusedActions = resultData.unusedActions as OpenAPIOverlayAction[];
  // An action that finds nothing to change means the official document moved under it.
  if (unusedActions.length > 0) {
    throw new Error(`OpenAPI overlay: no target for ${unusedActions.map((action) => action.target).join(', ')}`);
  }
  // The overlay changes the official document in its own terms: it stays an OpenAPI 3 document.
  const document = data as OpenAPIObject;
  Object.assign(document.info, { 'x-durable-wes-version': options.version });
  document.servers = [{ url: `/${API_PREFIX}`, description: 'this durable-wes server' }];
  if (options.authOn) describeAuth(document, options.jwt === true);
  if (options.rateLimited) for (const operation of operations(document)) addResponse(operation, 429, TOO_MANY_REQUESTS);
  return document;
}

const errorResponse = (description: string, extra: Partial<ResponseObject> = {}) => ({
  description,
  ...extra,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
  'x-durable-wes-extension': true,
});

const TOO_MANY_REQUESTS = errorResponse(
  'Too many requests from this caller (its owner, or its IP address without credentials); try again after the seconds Retry-After gives.',
  {
    headers: { 'Retry-After': { description: 'Seconds until the caller may send again.', schema: { type: 'integer' } } },
  },
);

function* operations(document: OpenAPIObject): Generator<OperationObject> {
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation) yield operation;
    }
  }
}

function addResponse(operation: OperationObject, status: number, response: ResponseObject): void {
  operation.responses[status] ??= response;
}

const SCOPES_TEXT =
  'Scopes: `runs:read` (list and read runs, their tasks, transitions and logs), `runs:write` (submit, cancel, resume and delete runs), ' +
  "`admin` (both, on every owner's runs). Each run belongs to the owner of the token that submitted it; other owners' runs answer 404.";

/** The bearer scheme, and the answers of a request without it (401) or without the scope its operation needs (403). */
function describeAuth(document: OpenAPIObject, jwt: boolean): void {
  (document.components ??= {}).securitySchemes = {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      ...(jwt ? { bearerFormat: 'JWT' } : {}),
      description:
        (jwt
          ? 'An API key the operator issued to you, or a JWT of the identity provider this service trusts (its owner claim names you, its `scope` or `scp` claim gives your scopes). '
          : 'An API key the operator issued to you; it stands for you as the owner of your runs. ') + SCOPES_TEXT,
    },
  };
  document.security = [{ bearerAuth: [] }];
  // Service-info tells callers how to authenticate: it needs no token itself.
  const serviceInfo = document.paths['/service-info'].get;
  if (!serviceInfo) throw new Error('OpenAPI document: no GET /service-info');
  serviceInfo.security = [];
  for (const operation of operations(document)) {
    if (Array.isArray(operation.security) && operation.security.length === 0) continue;
    addResponse(
      operation,
      401,
      errorResponse('No bearer token, or one that is unknown, expired or invalid (WWW-Authenticate says which).'),
    );
    addResponse(operation, 403, errorResponse('The token does not carry the scope this operation needs.'));
  }
}

/** Copies the service-info schemas in and points the remote references at the copies. */
function inlineServiceInfo(document: OpenAPIObject, serviceInfo: OpenAPIObject): void {
  const schemas = document.components?.schemas;
  const serviceInfoSchemas = serviceInfo.components?.schemas;
  if (!schemas || !serviceInfoSchemas) throw new Error('spec: the WES and service-info documents must both have components.schemas');
  for (const [name, schema] of Object.entries(serviceInfoSchemas)) {
    if (name in schemas) throw new Error(`spec: service-info schema ${name} clashes with a WES schema`);
    schemas[name] = schema;
  }
  const rewrite = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(rewrite);
    else if (isRecord(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith(`${SERVICE_INFO_URL}#`))
          node[key] = value.slice(SERVICE_INFO_URL.length);
        else rewrite(value);
      }
    }
  };
  rewrite(document);
}
