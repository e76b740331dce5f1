/**
 * The WES API under test: the real app (createApp) on a real worker, Temporal and PostgreSQL,
 * sharing the worker's task queue and data dir, driven through supertest. Also checks answers
 * against the schemas of the API's own OpenAPI document (the official WES schemas).
 */
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request, { type Test } from 'supertest';
import { createApp } from '../../src/api/app';
import { loadConfig, type Config } from '../../src/config';
import { buildOpenApiDocument } from '../../src/api/openapi/openapi-document';
import { createHarness, EXAMPLES, TEST_PROVIDERS, type Harness } from './harness';

export const API = '/ga4gh/wes/v1';
export const TERMINAL_STATES = ['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'];

export type Http = ReturnType<typeof request>;

export interface TestApp {
  app: INestApplication;
  http: Http;
  config: Config;
}

export interface ApiHarness extends TestApp {
  harness: Harness;
  /** Another app on the same worker, database and data dir, e.g. with auth on. Stopped by stop(). */
  createApp(overrides?: Partial<Config>): Promise<TestApp>;
  stop(): Promise<void>;
}

export async function createApiHarness(overrides: Partial<Config> = {}): Promise<ApiHarness> {
  const providers = overrides.providers ?? TEST_PROVIDERS;
  const harness = await createHarness({ providers });
  // The worker's store: one connection pool for the worker and the app, as both use one database.
  const { runStore } = harness;
  const apps: INestApplication[] = [];
  const build = async (extra: Partial<Config>): Promise<TestApp> => {
    const config: Config = {
      ...loadConfig({}),
      temporalAddress: process.env.TEMPORAL_ADDRESS!,
      databaseUrl: process.env.DATABASE_URL,
      taskQueue: harness.taskQueue,
      dataDir: harness.dataDir,
      workflowRoots: [EXAMPLES],
      providers,
      ...overrides,
      ...extra,
    };
    const app = await createApp({ config, runStore, logger: ['error'] });
    apps.push(app);
    return { app, http: request(app.getHttpServer()), config };
  };
  const main = await build({});
  return {
    ...main,
    harness,
    createApp: build,
    async stop() {
      for (const app of apps) await app.close();
      await harness.stop();
    },
  };
}

/** Polls GET /runs/{id}/status until `done` holds; fails with the last status after `timeoutMs`. */
export async function waitForState(
  http: Http,
  runId: string,
  done: (state: string) => boolean = (state) => TERMINAL_STATES.includes(state),
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const response = await http.get(`${API}/runs/${runId}/status`);
    last = response.body;
    if (response.status === 200 && done(response.body.state)) return response.body.state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`run ${runId}: timed out waiting; last status ${JSON.stringify(last)}`);
}

/** A part of a multipart request; `filename` makes it a file part. */
export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
}

/**
 * POST /runs with a multipart body built by hand, filenames sent verbatim: supertest's attach
 * (form-data) cuts a filename to its base name and normalises a filepath (`a//b` → `a/b`).
 */
export function postMultipart(http: Http, parts: Part[]): Test {
  const boundary = `durable-wes-${randomUUID()}`;
  const body = Buffer.concat([
    ...parts.flatMap((part) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"` +
          (part.filename === undefined ? '' : `; filename="${part.filename}"\r\nContent-Type: application/octet-stream`) +
          '\r\n\r\n',
      ),
      Buffer.from(part.value),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return http.post(`${API}/runs`).set('content-type', `multipart/form-data; boundary=${boundary}`).send(body);
}

/** Form fields as parts. */
export const fieldParts = (fields: Record<string, string | undefined>): Part[] =>
  Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ({ name, value }));

// --- A small JSON-schema check against the API document's components (OpenAPI 3.0 subset). ---

type Schema = Record<string, unknown>;
const document = buildOpenApiDocument({ authOn: false, version: 'test' }) as unknown as { components: { schemas: Record<string, Schema> } };

/** The differences between `value` and the named component schema; empty when it conforms. */
export function schemaErrors(schemaName: string, value: unknown): string[] {
  const errors: string[] = [];
  check({ $ref: `#/components/schemas/${schemaName}` }, value, '$', errors);
  return errors;
}

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
  if (!name || !document.components.schemas[name]) throw new Error(`unresolvable $ref ${ref}`);
  return resolve(document.components.schemas[name]);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(raw: Schema, value: unknown, at: string, errors: string[]): void {
  const schema = resolve(raw);
  if (value === null && schema.nullable === true) return;
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) check(part, value, at, errors);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options && !options.some((option) => { const inner: string[] = []; check(option, value, at, inner); return inner.length === 0; })) {
      errors.push(`${at}: matches none of ${key}`);
    }
  }
  const type = schema.type as string | undefined;
  const actual = typeOf(value);
  if (type && !(actual === type || (type === 'number' && actual === 'integer'))) {
    errors.push(`${at}: expected ${type}, got ${actual}`);
    return;
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (actual === 'array' && schema.items) (value as unknown[]).forEach((item, i) => check(schema.items as Schema, item, `${at}[${i}]`, errors));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) errors.push(`${at}: missing required ${name}`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, inner] of Object.entries(object)) {
      if (properties[name]) check(properties[name], inner, `${at}.${name}`, errors);
      else if (schema.additionalProperties === false) errors.push(`${at}: unexpected property ${name}`);
      else if (typeof schema.additionalProperties === 'object') check(schema.additionalProperties as Schema, inner, `${at}.${name}`, errors);
    }
  }
}

/** Asserts that `value` conforms to the named schema of the WES document. */
export function expectSchema(schemaName: string, value: unknown): void {
  expect({ schema: schemaName, errors: schemaErrors(schemaName, value) }).toEqual({ schema: schemaName, errors: [] });
}
