import { HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * A 302 to `url`. The code is given because Nest sets the route's 200 before the handler runs,
 * and Fastify's `reply.redirect` keeps a status already set.
 */
export function redirectTo(reply: FastifyReply, url: string): FastifyReply {
  return reply.redirect(url, HttpStatus.FOUND);
}
