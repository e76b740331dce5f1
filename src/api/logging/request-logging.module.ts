/**
 * The API's log through pino (docs/deployment.md, "Operations"): Nest's own messages, and one line
 * per request with its method, route template, status and duration, and `run_id` when the request
 * is about a run, as the worker's lines about that run have it.
 */
import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import type { Request } from 'express';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

function requestFields(request: Request): Record<string, unknown> {
  const route = (request.route as { path?: string } | undefined)?.path;
  const runId = (request.params as Record<string, string> | undefined)?.run_id;
  return { ...(route === undefined ? {} : { route }), ...(runId === undefined ? {} : { run_id: runId }) };
}

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
            customProps: (request, response) => (response.writableFinished ? requestFields(request as Request) : {}),
            customLogLevel: (_request, response, err) => (err || response.statusCode >= 500 ? 'error' : 'info'),
          },
        }),
      ],
    };
  }
}
