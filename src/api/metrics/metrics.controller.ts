/** GET /metrics in Prometheus' text format, outside the WES prefix and public, as scrapers expect. */
import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/bearer-auth.guard';
import { ApiMetrics } from './api-metrics';

export const METRICS_PATH = 'metrics';

// Scrapes are the operator's own, and a refused one is a gap in every graph.
@SkipThrottle()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ApiMetrics) {}

  @Public()
  @Get(METRICS_PATH)
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
