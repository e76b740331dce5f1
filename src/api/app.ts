/**
 * The WES API as a Nest application, shared by the entry point (src/api.ts) and the tests: both
 * get the same modules, error filter, body limits and API document.
 */
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { createDescriptorRegistry } from '../../activities/providers';
import { authEnabled } from '../config/auth-config';
import type { Config } from '../config/config';
import type { RunStore } from '../../read-model/run-store';
import { AppModule } from './app.module';
import { API_PREFIX } from './core/base-url';
import { useExactJson } from './core/exact-json';
import { refuseForeignRequests } from './core/foreign-requests';
import { packageVersion } from '../../activities/repo-root';
import { ErrorResponseFilter } from './errors/error-response.filter';
import { createLogger } from '../logging/create-logger';
import { PROBE_PATHS } from './health/health.controller';
import { ApiMetrics } from './metrics/api-metrics';
import { METRICS_PATH } from './metrics/metrics.controller';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { nestsTooDeep, tooDeepMessage } from './validation/json-depth';
import { RequestValidator } from './validation/request-validator';

export interface ApiOptions {
  config: Config;
  /** The read model; its connection is the caller's to close. */
  runStore: RunStore;
  /** Nest's own logger at these levels (tests); unset: pino, JSON lines unless stdout is a terminal. */
  logger?: LoggerService | LogLevel[] | false;
  /** Where pino's lines go instead of stdout (tests read them); only without `logger`. */
  logDestination?: DestinationStream;
  /** Runs when the app shuts down, after it stopped taking requests: e.g. closing the database. */
  onShutdown?: () => Promise<void>;
}

export const DOCS_PATH = 'docs';

/**
 * An initialised app: call `listen`, or hand `getHttpServer()` to supertest. The Temporal
 * connection is the app's own and is closed by `app.close()` (and on SIGINT/SIGTERM by the
 * shutdown hooks).
 */
export async function createApp({ config, runStore, logger, logDestination, onShutdown }: ApiOptions): Promise<INestApplication> {
  // Requests are checked against the very document served at /docs: the two cannot drift.
  // Refuses to start an API open by mistake: outside the embedded default, auth must be configured or turned off.
  const authOn = authEnabled(config);
  const document = await buildOpenApiDocument({
    authOn,
    jwt: config.auth.jwt !== undefined,
    rateLimited: config.rateLimit !== undefined,
    version: packageVersion(),
  });
  const pino = logger === undefined ? createLogger({ name: 'api', level: config.logLevel, destination: logDestination }) : undefined;
  const app = await NestFactory.create<NestExpressApplication>(
    // The same providers as the worker's, from the same configuration, as descriptors: requests are
    // validated here, and no engine is run or asked (docs/design.md, "Adding a provider").
    AppModule.forRoot(
      { config, runStore, registry: createDescriptorRegistry(config), validator: new RequestValidator(document), onShutdown },
      pino,
    ),
    // Nest's start-up messages wait for pino, which exists once the module is made.
    { bodyParser: false, ...(pino ? { bufferLogs: true } : { logger }) },
  );
  if (pino) {
    app.useLogger(app.get(PinoNestLogger));
    app.flushLogs();
  }
  // First: a request refused by the body parser is counted too.
  app.use(app.get(ApiMetrics).middleware);
  // Before any body is read, on every route (docs and probes too).
  app.use(refuseForeignRequests(config));
  useExactJson(app, {
    limit: config.maxBodyBytes,
    verify: (_request: unknown, _response: unknown, body: Buffer) => {
      if (nestsTooDeep(body)) throw Object.assign(new Error(tooDeepMessage('the JSON')), { status: 400 });
    },
  });
  // Probes and metrics where orchestrators and scrapers look for them, not under the WES prefix.
  app.setGlobalPrefix(API_PREFIX, { exclude: [...PROBE_PATHS, METRICS_PATH] });
  app.useGlobalFilters(new ErrorResponseFilter());
  app.enableShutdownHooks();
  SwaggerModule.setup(DOCS_PATH, app, document, {
    customSiteTitle: 'durable-wes API',
  });
  await app.init();
  return app;
}
