/**
 * The probes (docs/deployment.md, "Operations"), outside the WES prefix as probes usually are, and
 * public: an orchestrator has no token. /healthz: the process answers. /readyz: it can serve,
 * every dependency answering; else a 503 that is a WES ErrorResponse and names what is down.
 */
import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/bearer-auth.guard';
import type { ErrorResponse } from '../errors/error-response';
import { ReadinessChecks } from './readiness-checks';

export const PROBE_PATHS = ['healthz', 'readyz'];

// A probe refused by the rate limit would take a healthy replica out of rotation.
@SkipThrottle()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessChecks,
  ) {}

  @Public()
  @Get('healthz')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  healthz(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Public()
  @Get('readyz')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | (HealthCheckResult & ErrorResponse)> {
    try {
      return await this.health.check(this.readiness.all());
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      reply.code(HttpStatus.SERVICE_UNAVAILABLE);
      return {
        msg: `not ready: ${Object.keys(result.error ?? {}).join(', ')} down`,
        status_code: HttpStatus.SERVICE_UNAVAILABLE,
        ...result,
      };
    }
  }
}
