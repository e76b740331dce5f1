/**
 * What the start command adds to the embedded Temporal dev server's command line, from the
 * configuration (temporal-dev.sh holds the rest).
 */
import { isIP } from 'node:net';
import { authEnabled } from '../config/auth-config';
import type { Config } from '../config/config';
import { API_PREFIX } from '../api/core/base-url';
import { CODEC_PATH } from '../api/codec/codec-routes';

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * With payloads encrypted, the embedded Web UI decodes them through the API's codec endpoint
 * (docs/deployment.md, "Payload encryption"). Its browser calls it on this machine, where the UI
 * listens; only with auth off, as the dev server's UI signs no one in and could pass no token.
 */
export function devServerFlags(config: Pick<Config, 'payloadKeys' | 'auth' | 'databaseUrl' | 'apiHost' | 'apiPort'>): string[] {
  if (!config.payloadKeys?.length || authEnabled(config)) return [];
  return ['--ui-codec-endpoint', `${browserApiOrigin(config)}/${API_PREFIX}/${CODEC_PATH}`];
}

/** Where a browser on this machine reaches the API: loopback for an API that listens everywhere. */
function browserApiOrigin({ apiHost, apiPort }: Pick<Config, 'apiHost' | 'apiPort'>): string {
  const host = WILDCARDS.has(apiHost) ? '127.0.0.1' : apiHost;
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${apiPort}`;
}
