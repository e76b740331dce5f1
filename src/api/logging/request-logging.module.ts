/**
 * The API's log through pino (docs/deployment.md, "Operations"): Nest's own messages, and one line
 * per request with its method, route template, status and duration, and `run_id` when the request
 * is about a run, as the worker's lines about that run have it.
 */
import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * pino-http (nestjs-pino's middleware, run by Fastify's middie) sees Node's request, which knows
 * nothing of routes: Fastify's request, once routed, leaves its route and run id here.
 */
const routed = new WeakMap<IncomingMessage, Record<string, unknown>>();

/** An onRequest hook (../app.ts): routing has found the route and its parameters by then. */
export function noteRequestFields(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, next) => {
    const route = request.routeOptions.url;
    const runId = (request.params as Record<string, string> | undefined)?.run_id;
    routed.set(request.raw, { ...(route === undefined ? {} : { route }), ...(runId === undefined ? {} : { run_id: runId }) });
    next();
  });
}

const requestFields = (request: IncomingMessage): Record<string, unknown> => routed.get(request) ?? {};

@Module({})
export class RequestLoggingModule {
  /** Without a logger (tests), Nest's own logger stays and requests are not logged. */
  static forRoot(logger?: Logger): DynamicModule {
    if (!logger) return { module: RequestLoggingModule };
    return {
      module: RequestLoggingModule,
      imports: [
        LoggerModule.forRoot({
          // Every route, in path-to-regexp 8's syntax: nestjs-pino's default `*` is the old one, which
          // Nest converts to this at each start with a warning.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            logger,
            // Lines logged while a request is handled carry only its id; the request's own line has the rest.
            quietReqLogger: true,
            customAttributeKeys: { responseTime: 'duration_ms' },
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ status: res.statusCode }),
            },
            // Asked when the request comes and when it ends; only at its end is its route the handler's.
            customProps: (request, response) => (response.writableFinished ? requestFields(request) : {}),
            customLogLevel: (_request, response, err) => (err || response.statusCode >= 500 ? 'error' : 'info'),
          },
        }),
      ],
    };
  }
}
