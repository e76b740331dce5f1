/**
 * The API's OpenAPI document: the official WES 1.1 document (spec/wes-openapi.yaml, verbatim)
 * with our extensions laid over it by an OpenAPI Overlay (durable-wes.overlay.yaml), so that ours
 * stays as close to the standard as it is and says, in the standard's own terms, where it differs.
 * The service-info schema it refers to by remote URL is inlined from spec/service-info.yaml, so
 * that the document validates offline.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openapiOverlay } from 'openapi-format';
import { parse } from 'yaml';
import { API_PREFIX } from '../core/base-url';
import { repoRoot } from '../../repo-root';

const SERVICE_INFO_URL = 'https://raw.githubusercontent.com/ga4gh-discovery/ga4gh-service-info/v1.0.0/service-info.yaml';
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The documents are YAML of any shape; typing them would only restate the spec. */
type Json = any;

// Merge keys (`<<`) let the overlay's two forms of a run request share their fields.
const readYaml = (file: string): Json => parse(readFileSync(file, 'utf8'), { merge: true });

export async function buildOpenApiDocument(options: { authOn: boolean; version: string }): Promise<OpenAPIObject> {
  const official = readYaml(path.join(repoRoot, 'spec', 'wes-openapi.yaml'));
  inlineServiceInfo(official, readYaml(path.join(repoRoot, 'spec', 'service-info.yaml')));
  const { data: document, resultData }: Json = await openapiOverlay(official, { overlaySet: readYaml(path.join(repoRoot, 'src', 'api', 'openapi', 'durable-wes.overlay.yaml')) });
  // An action that finds nothing to change means the official document moved under it.
  if (resultData.totalUnusedActions > 0) {
    throw new Error(`OpenAPI overlay: no target for ${resultData.unusedActions.map((action: Json) => action.target).join(', ')}`);
  }
  document.info['x-durable-wes-version'] = options.version;
  document.servers = [{ url: `/${API_PREFIX}`, description: 'this durable-wes server' }];
  if (options.authOn) {
    document.components.securitySchemes = {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token the operator of this service issued to you; it stands for you as the owner of your runs.' },
    };
    document.security = [{ bearerAuth: [] }];
    // Service-info tells callers how to authenticate: it needs no token itself.
    document.paths['/service-info'].get.security = [];
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
