import { readFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse } from 'yaml';
import { API, createApiHarness, type ApiHarness } from '../support/api-harness';
import { keyAuth, READ_WRITE } from '../support/auth';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const official = parse(readFileSync(path.resolve(__dirname, '../../spec/wes-openapi.yaml'), 'utf8'));

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

/** Every `$ref` in a document. */
function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => refs(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

test('/docs-json is an OpenAPI 3 document with every official WES path and operation', async () => {
  const response = await api.http.get('/docs-json').expect(200).expect('content-type', /json/);
  const document = JSON.parse(response.text);
  expect(document.openapi).toMatch(/^3\./);
  expect(document.servers).toEqual([expect.objectContaining({ url: API })]);
  for (const [route, item] of Object.entries<Record<string, unknown>>(official.paths)) {
    expect(document.paths).toHaveProperty([route]);
    for (const method of HTTP_METHODS.filter((m) => m in item)) {
      expect({ route, method, operationId: document.paths[route][method]?.operationId }).toEqual({
        route,
        method,
        operationId: (item[method] as { operationId: string }).operationId,
      });
    }
  }
});

test('the document resolves offline: no remote $ref, every local one points at a schema', async () => {
  const document = (await api.http.get('/docs-json').expect(200)).body;
  for (const ref of refs(document)) {
    expect(ref).toMatch(/^#\/components\/schemas\//);
    expect(document.components.schemas).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
  }
  expect(document.components.schemas.ServiceInfo.allOf[0]).toEqual({ $ref: '#/components/schemas/Service' });
  expect(document.components.schemas.Service.required).toEqual(['id', 'name', 'type', 'organization', 'version']);
});

test('extensions are in the document, and marked as ours', async () => {
  const document = (await api.http.get('/docs-json').expect(200)).body;
  const marked = (node: { 'x-durable-wes-extension'?: boolean } | undefined) => node?.['x-durable-wes-extension'];
  expect(marked(document.paths['/runs/{run_id}/resume'].post)).toBe(true);
  expect(marked(document.paths['/runs/{run_id}/transitions'].get)).toBe(true);
  expect(marked(document.paths['/runs/{run_id}'].delete)).toBe(true);
  expect(marked(document.paths['/runs/{run_id}'].get)).toBeUndefined();
  const listParameters = document.paths['/runs'].get.parameters;
  for (const name of ['state', 'tag']) expect(marked(listParameters.find((p: { name: string }) => p.name === name))).toBe(true);
  expect(marked(document.paths['/runs'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key'))).toBe(true);
  expect(marked(document.paths['/runs'].post.requestBody.content['application/json'])).toBe(true);
  expect(marked(document.paths['/runs'].post.requestBody.content['multipart/form-data'])).toBe(true);
  expect(marked(document.paths['/runs/{run_id}/tasks'].get.responses[400])).toBe(true);
  expect(marked(document.components.responses.MethodNotAllowed)).toBe(true);
  expect(marked(document.components.schemas.RunListResponse.properties.total_runs)).toBe(true);
  expect(marked(document.components.schemas.RunLog.properties.temporal_ui_url)).toBe(true);
  expect(marked(document.components.schemas.RunLog.properties.transitions_url)).toBe(true);
  // Without auth configured, the document asks for none.
  expect(document.security).toBeUndefined();
});

test('with auth on, the document describes the bearer scheme; service-info stays public', async () => {
  const { http } = await api.createApp(keyAuth(['alice', 'alice', READ_WRITE]));
  const document = (await http.get('/docs-json').expect(200)).body;
  expect(document.components.securitySchemes.bearerAuth).toMatchObject({
    type: 'http',
    scheme: 'bearer',
    description: expect.stringContaining('runs:write'),
  });
  expect(document.components.securitySchemes.bearerAuth.bearerFormat).toBeUndefined();
  expect(document.security).toEqual([{ bearerAuth: [] }]);
  expect(document.paths['/service-info'].get.security).toEqual([]);
  expect(document.paths['/task-schema'].get.security).toEqual([]);
});

test('the answers of auth and limits are documented where they can occur', async () => {
  const jwt = { jwksUrl: 'http://127.0.0.1:1/jwks.json', issuer: 'https://idp.test/', audience: 'wes', ownerClaim: 'sub' };
  const { http } = await api.createApp({ auth: { off: false, apiKeys: [], jwt }, rateLimit: { limit: 10, windowMs: 1000 } });
  const document = (await http.get('/docs-json').expect(200)).body;
  expect(document.components.securitySchemes.bearerAuth).toMatchObject({
    bearerFormat: 'JWT',
    description: expect.stringContaining('JWT'),
  });
  for (const [route, item] of Object.entries<Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>(
    document.paths,
  )) {
    for (const [method, operation] of Object.entries(item)) {
      const statuses = Object.keys(operation.responses);
      const open = Array.isArray(operation.security) && operation.security.length === 0;
      expect({ route, method, statuses }).toEqual({
        route,
        method,
        statuses: expect.arrayContaining(open ? ['429'] : ['401', '403', '429']),
      });
    }
  }
  expect(document.paths['/runs'].post.responses).toHaveProperty('413');
  expect(document.paths['/runs/{run_id}/resume'].post.responses).toHaveProperty('413');
  // Without a rate limit, no 429 is promised.
  expect((await api.http.get('/docs-json').expect(200)).body.paths['/runs'].get.responses).not.toHaveProperty('429');
});

test('/docs serves Swagger UI', async () => {
  const response = await api.http.get('/docs').expect(200);
  expect(response.text).toContain('swagger');
});

test('the document validates as OpenAPI (swagger-parser), with auth off and on', async () => {
  const withAuth = await api.createApp(keyAuth(['alice', 'alice', READ_WRITE]));
  for (const http of [api.http, withAuth.http]) {
    const document = (await http.get('/docs-json').expect(200)).body;
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toMatchObject({ openapi: document.openapi });
  }
});

test('POST /runs: the multipart form says what it takes, object fields as JSON, nothing unknown', async () => {
  const document = (await api.http.get('/docs-json').expect(200)).body;
  const { content } = document.paths['/runs'].post.requestBody;
  const multipart = content['multipart/form-data'];
  const schemaOf = (media: { schema: { $ref: string } }) =>
    document.components.schemas[media.schema.$ref.slice('#/components/schemas/'.length)];
  expect(schemaOf(multipart)).toMatchObject({
    required: ['workflow_type', 'workflow_type_version', 'workflow_url'],
    additionalProperties: false,
    properties: {
      workflow_params: { type: 'object' },
      tags: { type: 'object', additionalProperties: { type: 'string' } },
      require_approval: { type: 'boolean' },
    },
  });
  for (const field of ['workflow_params', 'tags', 'workflow_engine_parameters'])
    expect(multipart.encoding[field]).toEqual({ contentType: 'application/json' });
  expect(schemaOf(multipart).properties.workflow_attachment).toEqual({ type: 'array', items: { type: 'string', format: 'binary' } });
  expect(schemaOf(content['application/json']).additionalProperties).toBe(false);
  expect(schemaOf(content['application/json']).properties).not.toHaveProperty('workflow_attachment');
});
