/**
 * The API's OpenAPI document: the official WES 1.1 document (spec/wes-openapi.yaml, verbatim)
 * with our extensions added and marked, so that ours stays as close to the standard as it is.
 * The service-info schema it refers to by remote URL is inlined from spec/service-info.yaml, so
 * that the document validates offline.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { API_PREFIX } from '../core/base-url';
import { repoRoot } from '../../repo-root';
import {
  BEARER_AUTH,
  COMMON_RESPONSES,
  EXTENSION,
  IDEMPOTENCY_KEY_PARAMETER,
  JSON_RUN_REQUEST,
  LIST_RUNS_PARAMETERS,
  METHOD_NOT_ALLOWED_RESPONSE,
  MULTIPART_RUN_REQUEST,
  OPERATION_RESPONSES,
  PAGE_SIZE_LIMITS,
  PATHS,
  SCHEMAS,
  SCHEMA_PROPERTIES,
} from './extensions';

const SERVICE_INFO_URL = 'https://raw.githubusercontent.com/ga4gh-discovery/ga4gh-service-info/v1.0.0/service-info.yaml';
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The documents are YAML of any shape; typing them would only restate the spec. */
type Json = any;

const readSpec = (file: string): Json => parse(readFileSync(path.join(repoRoot, 'spec', file), 'utf8'));

export function buildOpenApiDocument(options: { authOn: boolean; version: string }): OpenAPIObject {
  const document = readSpec('wes-openapi.yaml');
  inlineServiceInfo(document, readSpec('service-info.yaml'));
  document.info['x-durable-wes-version'] = options.version;
  document.servers = [{ url: `/${API_PREFIX}`, description: 'this durable-wes server' }];

  const { paths, components } = document;
  for (const parameter of [...paths['/runs'].get.parameters, ...paths['/runs/{run_id}/tasks'].get.parameters]) {
    if (parameter.name === 'page_size') Object.assign(parameter.schema, PAGE_SIZE_LIMITS);
  }
  paths['/runs'].get.parameters.push(...LIST_RUNS_PARAMETERS);
  const create = paths['/runs'].post;
  create.parameters.push(IDEMPOTENCY_KEY_PARAMETER);
  // WES 1.1 leaves the body optional, but a run request without one is no request.
  Object.assign(create.requestBody, { required: true, ...EXTENSION });
  create.requestBody.content = { 'multipart/form-data': MULTIPART_RUN_REQUEST, 'application/json': JSON_RUN_REQUEST };
  for (const [schema, properties] of Object.entries(SCHEMA_PROPERTIES)) Object.assign(components.schemas[schema].properties, properties);
  Object.assign(components.schemas, SCHEMAS);
  components.responses = { MethodNotAllowed: METHOD_NOT_ALLOWED_RESPONSE };
  for (const [route, operations] of Object.entries(PATHS)) paths[route] = { ...paths[route], ...operations };
  for (const [route, operations] of Object.entries(OPERATION_RESPONSES)) {
    for (const [method, responses] of Object.entries(operations)) Object.assign(paths[route][method].responses, responses);
  }
  for (const item of Object.values<Json>(paths)) {
    for (const method of HTTP_METHODS) if (item[method]) Object.assign(item[method].responses, COMMON_RESPONSES);
  }
  if (options.authOn) {
    components.securitySchemes = BEARER_AUTH.securitySchemes;
    document.security = BEARER_AUTH.security;
    // Service-info tells callers how to authenticate: it needs no token itself.
    paths['/service-info'].get.security = [];
  }
  return document as OpenAPIObject;
}

/** Copies the service-info schemas in and points the remote references at the copies. */
function inlineServiceInfo(document: Json, serviceInfo: Json): void {
  const schemas = document.components.schemas;
  for (const [name, schema] of Object.entries(serviceInfo.components.schemas)) {
    if (name in schemas) throw new Error(`spec: service-info schema ${name} clashes with a WES schema`);
    schemas[name] = schema;
  }
  const rewrite = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(rewrite);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith(`${SERVICE_INFO_URL}#`)) node[key] = value.slice(SERVICE_INFO_URL.length);
        else rewrite(value);
      }
    }
  };
  rewrite(document);
}
