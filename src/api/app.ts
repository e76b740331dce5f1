/**
 * The WES API as a Nest application, shared by the entry point (src/api.ts) and the tests: both
 * get the same modules, error filter, body limits and API document.
 */
import { HttpStatus, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyAccepts from '@fastify/accepts';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { createDescriptorRegistry } from '../../activities/providers';
import { authEnabled } from '../config/auth-config';
import type { Config } from '../config/config';
import type { RunStore } from '../../read-model/run-store';
import { AppModule } from './app.module';
import { API_PREFIX } from './core/base-url';
import { useExactJson } from './core/exact-json';
import { uiCors } from './codec/ui-cors';
import { refuseForeignRequests } from './core/foreign-requests';
import { packageVersion } from '../../activities/repo-root';
import type { ErrorResponse } from './errors/error-response';
import { ErrorResponseFilter } from './errors/error-response.filter';
import { createLogger } from '../logging/create-logger';
import { PROBE_PATHS } from './health/health.controller';
import { noteRequestFields } from './logging/request-logging.module';
import { ApiMetrics } from './metrics/api-metrics';
import { METRICS_PATH } from './metrics/metrics.controller';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { nestsTooDeep, tooDeepMessage } from './validation/json-depth';
import { RequestValidator } from './validation/request-validator';
import { unmatchedQuery } from './routing/unmatched-route.controller';

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
  const validator = new RequestValidator(document);
  const pino = logger === undefined ? createLogger({ name: 'api', level: config.logLevel, destination: logDestination }) : undefined;
  const app = await NestFactory.create<NestFastifyApplication>(
    // The same providers as the worker's, from the same configuration, as descriptors: requests are
    // validated here, and no engine is run or asked (docs/design.md, "Adding a provider").
    AppModule.forRoot({ config, runStore, registry: createDescriptorRegistry(config), validator, onShutdown }, pino),
    new FastifyAdapter({
      // For a parser that lets Fastify read the body; ours read it themselves, with their limits
      // (./core/exact-json.ts, ./runs/attachment-upload.ts).
      bodyLimit: config.maxBodyBytes,
      // A path that is not valid percent-encoding names no resource Fastify could route: a 400 as an ErrorResponse.
      frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
        const answer: ErrorResponse = { msg: error.message, status_code: HttpStatus.BAD_REQUEST };
        void reply.code(HttpStatus.BAD_REQUEST).send(answer);
      },
      // While the app closes, a request on a connection still open is served (docs/deployment.md,
      // "Graceful shutdown"), not answered with Fastify's own 503, which is no ErrorResponse.
      return503OnClosing: false,
      // The address and protocol are the connection's own (docs/deployment.md, "Limits").
      trustProxy: false,
      // Fastify's default (100 characters) would make a long task id or file name a 404; a request line is bounded by Node anyway.
      // ignoreTrailingSlash: `/runs/` is `/runs`, as clients written against other WES servers may send it.
      routerOptions: { maxParamLength: 8 * 1024, ignoreTrailingSlash: true },
    }),
    // Nest's start-up messages wait for pino, which exists once the module is made.
    { bodyParser: false, ...(pino ? { bufferLogs: true } : { logger }) },
  );
  if (pino) {
    app.useLogger(app.get(PinoNestLogger));
    app.flushLogs();
  }
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(ApiMetrics);
  metrics.observe(app.getHttpServer());
  // Fastify's onRequest hooks run in this order, after routing and before any body is read.
  // First: a request refused by the next hooks, or by the body's parser, is labelled with its route too.
  fastify.addHook('onRequest', metrics.onRequest);
  if (pino) noteRequestFields(fastify);
  // On every route (docs and probes too).
  fastify.addHook('onRequest', refuseForeignRequests(config));
  fastify.addHook('onRequest', uiCors(config));
  fastify.addHook('onRequest', unmatchedQuery(validator));
  // request.accepts(), for the RO-Crate's content negotiation.
  await app.register(fastifyAccepts);
  useExactJson(fastify, {
    limit: config.maxBodyBytes,
    verify: (body) => {
      if (nestsTooDeep(body)) throw new Error(tooDeepMessage('the JSON'));
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
  // Routes and plugins loaded: supertest may hand requests to getHttpServer() without listen().
  await fastify.ready();
  return app;
}
