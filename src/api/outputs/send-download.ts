/**
 * A file whose bytes pass through this service (an output source's `stream` target) as the answer:
 * the client's range and conditions go to the source, and what it answers comes back, a redirect
 * for the client to follow, or the bytes with the headers that describe them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutputTarget } from '../../../activities/providers/outputs/output-source';
import { redirectTo } from '../core/redirect';

export async function sendDownload(
  target: Extract<OutputTarget, { kind: 'stream' }>,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const abort = new AbortController();
  reply.raw.on('close', () => abort.abort());
  const answer = await target.open({
    method: request.method === 'HEAD' ? 'HEAD' : 'GET',
    header: (name) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    },
    signal: abort.signal,
  });
  if (answer.kind === 'redirect') return void redirectTo(reply, answer.url);
  reply.code(answer.status).headers(answer.headers);
  // A source that breaks off mid-file can only cut the answer short (Fastify destroys the
  // response): its headers have gone.
  return void reply.send(answer.body);
}
