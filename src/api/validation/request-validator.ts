/**
 * Requests checked against the operation of the served OpenAPI document they are for: path,
 * query and header parameters (decoded as OpenAPI says: text to integers and booleans, `form`
 * arrays repeated or, with explode false, comma-separated) and the body of each content type
 * (form fields decoded first). What the document says is what is checked; what passes is
 * handed on decoded, with defaults filled in.
 */
import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { parseExactJson } from '../../../domain/exact-json';
import type { ParameterObject, ReferenceObject, SchemaObject } from '../openapi/openapi-types';
import type { FastifyRequest } from 'fastify';
import { API_PREFIX } from '../core/base-url';
import { HTTP_METHODS } from '../openapi/openapi-document';
import { compileDocumentSchemas, type SchemaValidator } from './document-schemas';
import { nestsTooDeep, tooDeepMessage } from './json-depth';
import { schemaErrorMessage } from './schema-error-message';

/** A request that conforms to its operation; the types are what the operation's schemas promise. */
export interface ValidatedRequest<Query = Record<string, unknown>, Body = unknown> {
  path: Record<string, string>;
  query: Query;
  headers: Record<string, unknown>;
  body: Body;
}

/** Our extension: a path parameter that spans segments (a wildcard route). */
type DocumentParameter = ParameterObject & { 'x-durable-wes-multi-segment'?: boolean };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  /** Form arrays: each value is a comma-separated list. */
  commaSeparated: boolean;
  /** Resolved, for decoding; undefined when the document gives none that decoding can follow. */
  schema: SchemaObject | undefined;
  validate: SchemaValidator;
}

interface Content {
  schema: SchemaObject | undefined;
  /** The form fields that are JSON text. */
  jsonFields: Set<string>;
  validate: SchemaValidator;
}

interface Operation {
  parameters: Parameter[];
  body?: { required: boolean; content: Map<string, Content> };
}

const pointer = (...parts: string[]) => parts.map((part) => `/${part.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

const isReference = (value: object): value is ReferenceObject => '$ref' in value;

/** The validator reads parameters and bodies where they stand; the WES document writes them inline. */
function inline<T extends object>(value: T | ReferenceObject, where: string): T {
  if (isReference(value)) throw new Error(`OpenAPI document: ${where} is a $ref (${value.$ref}); the request validator needs it inline`);
  return value;
}

function location(parameter: ParameterObject, where: string): Parameter['in'] {
  if (parameter.in === 'cookie')
    throw new Error(`OpenAPI document: ${where} is a cookie parameter, which the request validator does not read`);
  return parameter.in;
}

export class RequestValidator {
  /** By `METHOD /path/{template}`. */
  private readonly operations = new Map<string, Operation>();
  /** Fastify's template of a wildcard route (`/runs/{run_id}/outputs/*`): the document's path, and the name of its many-segment parameter. */
  private readonly wildcards = new Map<string, { route: string; name: string }>();
  private readonly paths: Array<{ pattern: RegExp; methods: string[] }> = [];

  constructor(private readonly document: OpenAPIObject) {
    const schemas = compileDocumentSchemas(document);
    for (const [route, item] of Object.entries(document.paths)) {
      const operations = HTTP_METHODS.flatMap((method) => {
        const operation = item[method];
        if (!operation) return [];
        const where = `${method.toUpperCase()} ${route}`;
        const parameters = (operation.parameters ?? []).map((p, index) => inline<DocumentParameter>(p, `${where} parameter ${index}`));
        const requestBody = operation.requestBody && inline(operation.requestBody, `${where} requestBody`);
        return [{ method, parameters, requestBody }];
      });
      // A parameter marked as spanning segments (a wildcard route) matches them all: a method the path lacks is still a 405.
      const multiSegment = new Set(
        operations.flatMap(({ parameters }) => parameters.filter((p) => p['x-durable-wes-multi-segment']).map((p) => p.name)),
      );
      const pattern = route.replace(/\{([^}]+)\}/g, (_, name: string) => (multiSegment.has(name) ? '.+' : '[^/]+'));
      for (const name of multiSegment) this.wildcards.set(route.replace(`{${name}}`, '*'), { route, name });
      this.paths.push({ pattern: new RegExp(`^${pattern}$`), methods: operations.map(({ method }) => method.toUpperCase()) });
      for (const { method, parameters, requestBody } of operations) {
        const at = (...parts: string[]) => schemas.at(pointer('paths', route, method, ...parts));
        const operation: Operation = {
          parameters: parameters.map((parameter, index) => ({
            name: parameter.name,
            in: location(parameter, `${method.toUpperCase()} ${route} parameter ${parameter.name}`),
            required: parameter.required === true,
            commaSeparated: parameter.explode === false,
            schema: this.resolve(parameter.schema),
            validate: at('parameters', String(index), 'schema'),
          })),
        };
        if (requestBody) {
          const content = new Map<string, Content>();
          for (const [type, media] of Object.entries(requestBody.content)) {
            const jsonFields = Object.entries(media.encoding ?? {}).filter(([, encoding]) => encoding.contentType === 'application/json');
            content.set(type, {
              schema: this.resolve(media.schema),
              jsonFields: new Set(jsonFields.map(([name]) => name)),
              validate: at('requestBody', 'content', type, 'schema'),
            });
          }
          operation.body = { required: requestBody.required === true, content };
        }
        this.operations.set(`${method.toUpperCase()} ${route}`, operation);
      }
    }
  }

  /** The request, checked against the operation of the route it matched. */
  validate(request: FastifyRequest): ValidatedRequest {
    // Fastify's route, e.g. /ga4gh/wes/v1/runs/:run_id, is the document's /runs/{run_id}. A
    // wildcard (`*`) is the document's parameter of many segments.
    const template = (request.routeOptions.url ?? '').slice(API_PREFIX.length + 1).replace(/:(\w+)/g, '{$1}');
    const wildcard = this.wildcards.get(template);
    const route = wildcard?.route ?? template;
    // Fastify answers HEAD with the GET route (HTTP: the same answer without its body).
    const method = request.method === 'HEAD' && !this.operations.has(`HEAD ${route}`) ? 'GET' : request.method;
    const operation = this.operations.get(`${method} ${route}`);
    if (!operation) throw new Error(`the API's document has no operation ${method} ${route}`);
    const params = request.params as Record<string, string | undefined>;
    const query = request.query as Record<string, unknown>;
    const valid: ValidatedRequest = { path: {}, query: {}, headers: {}, body: undefined };
    for (const parameter of operation.parameters) {
      const raw =
        parameter.in === 'path'
          ? params[wildcard?.name === parameter.name ? '*' : parameter.name]
          : parameter.in === 'query'
            ? query[parameter.name]
            : request.headers[parameter.name.toLowerCase()];
      const value: unknown = raw === undefined ? parameter.schema?.default : decodeParameter(parameter, raw);
      // A path that does not fit names no resource.
      const failure = (message: string) => (parameter.in === 'path' ? new NotFoundException(message) : new BadRequestException(message));
      if (value === undefined) {
        if (parameter.required) throw failure(`${parameter.name} is required`);
        continue;
      }
      check(parameter.validate, value, parameter.name, failure);
      (valid[parameter.in === 'header' ? 'headers' : parameter.in] as Record<string, unknown>)[parameter.name] = value;
    }
    if (operation.body) valid.body = this.body(request, operation.body);
    return valid;
  }

  /** The fields the document's multipart form of `METHOD /route` names (the parser refuses others as they come). */
  formFields(method: string, route: string): string[] {
    const form = this.operations.get(`${method} ${route}`)?.body?.content.get('multipart/form-data');
    return Object.keys(form?.schema?.properties ?? {});
  }

  /** The methods of the document's path that `url` (under the API prefix) is, if it is one. */
  methodsOf(url: string): string[] | undefined {
    const route = url.slice(API_PREFIX.length + 1);
    return this.paths.find(({ pattern }) => pattern.test(route))?.methods;
  }

  private body(request: FastifyRequest, { required, content }: NonNullable<Operation['body']>): unknown {
    const { headers } = request;
    if (!headers['transfer-encoding'] && !Number(headers['content-length'] ?? 0)) {
      if (required) throw new BadRequestException('the request body is required');
      return undefined;
    }
    const types = [...content.keys()];
    // The media type alone, its parameters (charset, boundary) aside.
    const type = headers['content-type']?.split(';')[0].trim().toLowerCase();
    const media = type === undefined ? undefined : content.get(type);
    if (!media)
      throw new BadRequestException(`the request body must be ${types.join(' or ')}, not ${headers['content-type'] ?? 'untyped'}`);
    const received: unknown = request.body;
    const body = type === 'multipart/form-data' ? decodeForm(isFields(received) ? received : {}, media) : received;
    check(media.validate, body, '', (message) => new BadRequestException(message));
    return body;
  }

  /** A local `$ref` followed, for decoding (the validators follow references themselves); another `$ref` tells decoding nothing. */
  private resolve(schema: SchemaObject | ReferenceObject | undefined): SchemaObject | undefined {
    if (schema === undefined || !isReference(schema)) return schema;
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    return name === undefined ? undefined : this.resolve(this.document.components?.schemas?.[name]);
  }
}

/** The form's text fields (a multipart body, ../runs/attachment-upload.ts), by name. */
function isFields(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null;
}

function check(validate: SchemaValidator, value: unknown, root: string, failure: (message: string) => HttpException): void {
  if (validate(value)) return;
  const error = validate.errors?.[0];
  if (!error) throw new Error('ajv refused a value without saying why');
  throw failure(schemaErrorMessage(error, root));
}

/** Text as the type the schema asks for; text that is not one is left for the schema to refuse. */
function fromText(text: string, schema: SchemaObject | undefined): unknown {
  if ((schema?.type === 'integer' || schema?.type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (schema?.type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function decodeParameter({ schema, commaSeparated }: Parameter, raw: unknown): unknown {
  if (schema?.type !== 'array') return typeof raw === 'string' ? fromText(raw, schema) : raw;
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  const values = list.flatMap((value) => (commaSeparated && typeof value === 'string' ? value.split(',') : [value]));
  const items = schema.items && isReference(schema.items) ? undefined : schema.items;
  return values.map((value) => (typeof value === 'string' ? fromText(value, items) : value));
}

/** A property's own schema; a `$ref` tells decoding nothing (text stays text). */
function propertySchema(schema: SchemaObject | undefined, name: string): SchemaObject | undefined {
  const property = schema?.properties?.[name];
  return property && isReference(property) ? undefined : property;
}

/** Form fields as the schema's types: JSON text parsed, other text decoded; empty fields are fields left unset. */
function decodeForm(fields: Record<string, unknown>, { schema, jsonFields }: Content): Record<string, unknown> {
  const decoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === '') continue;
    if (typeof value !== 'string') decoded[name] = value;
    else if (!jsonFields.has(name)) decoded[name] = fromText(value, propertySchema(schema, name));
    else {
      if (nestsTooDeep(value)) throw new BadRequestException(tooDeepMessage(name));
      try {
        decoded[name] = parseExactJson(value);
      } catch (err) {
        throw new BadRequestException(`${name} is not valid JSON: ${(err as Error).message}`);
      }
    }
  }
  return decoded;
}
