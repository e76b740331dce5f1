/**
 * The codec endpoint is called by browsers showing the Temporal Web UI, from the UI's own origin
 * (TEMPORAL_UI_URL): that origin alone may call it, with credentials and the headers the UI sends.
 * A preflight is answered here, before authentication, as browsers send it without credentials;
 * ../core/foreign-requests.ts lets that origin through to these routes alone. A Fastify onRequest
 * hook, after that one: a preflight with a Host the API does not answer to is refused, not answered.
 */
import type { onRequestHookHandler } from 'fastify';
import type { Config } from '../../config/config';
import { API_PREFIX, requestPath } from '../core/base-url';
import { CODEC_PATH, uiOrigin } from './codec-routes';

export function uiCors(config: Pick<Config, 'temporalUiUrl'>): onRequestHookHandler {
  const origin = uiOrigin(config);
  const under = `/${API_PREFIX}/${CODEC_PATH}/`;
  return (request, reply, next) => {
    if (!requestPath(request).startsWith(under)) {
      next();
      return;
    }
    reply.header('Vary', 'Origin');
    if (request.headers.origin === origin) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Access-Control-Allow-Credentials', 'true');
    }
    if (request.method !== 'OPTIONS') {
      next();
      return;
    }
    void reply
      .headers({
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Namespace',
        'Access-Control-Max-Age': '600',
      })
      .code(204)
      .send();
  };
}
