/**
 * The WES API under test: the real app (createApp) on a real worker, Temporal and PostgreSQL,
 * sharing the worker's task queue and data dir, driven through supertest. Also checks answers
 * against the schemas of the API's own OpenAPI document (the official WES schemas), compiled as
 * the API compiles them for its requests.
 */
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request, { type Test } from 'supertest';
import { createApp } from '../../src/api/app';
import { loadConfig, type Config } from '../../src/config/config';
import { buildOpenApiDocument } from '../../src/api/openapi/openapi-document';
import { compileDocumentSchemas, type DocumentSchemas } from '../../src/api/validation/document-schemas';
import { schemaErrorMessage } from '../../src/api/validation/schema-error-message';
import { isTerminalWesState } from '../../domain/wes-state';
import { eventually } from './eventually';
import { createHarness, EXAMPLES, TEST_PROVIDERS, type Harness } from './harness';

export const API = '/ga4gh/wes/v1';

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

/** `startWorker: false`: no worker in the process, for tests that run workers as processes of their own. */
export async function createApiHarness(overrides: Partial<Config> = {}, { startWorker = true } = {}): Promise<ApiHarness> {
  const providers = overrides.providers ?? TEST_PROVIDERS;
  const temporal = overrides.temporalAddress
    ? { temporalAddress: overrides.temporalAddress, temporalTls: overrides.temporalTls, temporalApiKey: overrides.temporalApiKey }
    : undefined;
  const harness = await createHarness({ providers, startWorker, payloadKeys: overrides.payloadKeys, temporal });
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
      // DATABASE_URL is set: outside the embedded default, auth must be off explicitly; and no
      // rate limit, as tests send requests as fast as they can. Tests of either turn them on.
      auth: { off: true, apiKeys: [] },
      rateLimit: undefined,
      ...overrides,
      ...extra,
    };
    const app = await createApp({ config, runStore, logger: ['error'] });
    apps.push(app);
    return { app, http: request(app.getHttpServer()), config };
  };
  const main = await build({});
  schemas ??= compileDocumentSchemas(await buildOpenApiDocument({ authOn: false, version: 'test' }));
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
  done: (state: string) => boolean = isTerminalWesState,
  timeoutMs = 60_000,
): Promise<string> {
  const status = await eventually(
    async () => {
      const { status, body } = await http.get(`${API}/runs/${runId}/status`);
      return { status, body };
    },
    ({ status, body }) => status === 200 && done(body.state),
    { timeoutMs, intervalMs: 200, what: `run ${runId} to reach the state awaited` },
  );
  return status.body.state;
}

/**
 * GET of a URL the API gave (an output's location), through `http`: the same app, whatever host the
 * URL names. The body as text, or throws when the answer is not a 200.
 */
export async function download(http: Http, url: string): Promise<string> {
  const { pathname } = new URL(url);
  const { text } = await http.get(pathname).buffer(true).expect(200);
  return text;
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

/** The served document's schemas, compiled once the first harness is made. */
let schemas: DocumentSchemas | undefined;

/** Asserts that `value` conforms to the named schema of the WES document. */
export function expectSchema(schemaName: string, value: unknown): void {
  if (!schemas) throw new Error('expectSchema: create the API harness first');
  const validate = schemas.component(schemaName);
  const errors = validate(value) ? [] : validate.errors!.map((error) => schemaErrorMessage(error, '$'));
  expect({ schema: schemaName, errors }).toEqual({ schema: schemaName, errors: [] });
}
