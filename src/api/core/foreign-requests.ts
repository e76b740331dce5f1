/**
 * Refuses requests that a web page, not the API's own, makes a browser send (docs/deployment.md,
 * "Requests from web pages"): a page on any site can POST a multipart run request to
 * 127.0.0.1:8080 without a CORS preflight, and a page whose name is rebound to 127.0.0.1 (DNS
 * rebinding) can even read the answers. So, before anything else of a request is read:
 *
 * - its Host must be a name the API answers to: those it listens on, loopback, and WES_ALLOWED_HOSTS
 *   (a rebound page sends its own name): else 421 Misdirected Request;
 * - its Origin, when a browser sends one, must be the API's own or one of WES_ALLOWED_ORIGINS; without
 *   an Origin, Sec-Fetch-Site must be absent, `same-origin` or `none` (typed in the address bar):
 *   else 403.
 *
 * One exception: the Temporal Web UI's page (TEMPORAL_UI_URL's origin) may call the codec routes, and
 * those alone (../codec/codec-routes.ts): it shows decoded payloads to operators; the routes take
 * the admin scope when auth is on. Listing the UI in WES_ALLOWED_ORIGINS would open every route to it.
 *
 * Clients that are not browsers (curl, the CLI, wes-client, other WES services) send neither
 * header and pass. Ports are not compared: a rebinding page is told apart by its name, and a
 * balancer in front of replicas forwards its own port.
 */
import { HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { isIP } from 'node:net';
import os from 'node:os';
import type { Config } from '../../config/config';
import { codecRequestPaths, uiOrigin } from '../codec/codec-routes';
import type { ErrorResponse } from '../errors/error-response';
import { requestPath } from './base-url';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = new Set(['', '0.0.0.0', '::']);
/** What a browser says of a request that a page of the API's own origin, or the user, made. */
const OWN_SITE = new Set(['same-origin', 'none']);

/** `[::1]:8080` → `::1`, `Example.org:80` → `example.org`; undefined when there is no Host. */
export function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return name.toLowerCase();
}

/** The names the API answers to: where it listens (every interface of a wildcard), loopback, and the configured ones. */
export function allowedHostNames(config: Pick<Config, 'apiHost' | 'allowedHosts'>): Set<string> {
  const listening = WILDCARDS.has(config.apiHost)
    ? [os.hostname(), ...Object.values(os.networkInterfaces()).flatMap((addresses) => (addresses ?? []).map((address) => address.address))]
    : [config.apiHost];
  return new Set([...LOOPBACK_NAMES, ...listening, ...config.allowedHosts].flatMap((name) => hostName(name) ?? []));
}

type OriginPolicy = (request: FastifyRequest, origin: string) => boolean;

/** Why a browser's request comes from a page of another origin, or undefined when it does not. */
function foreignOrigin(request: FastifyRequest, allowed: OriginPolicy): string | undefined {
  const { origin } = request.headers;
  const site = request.headers['sec-fetch-site'];
  if (origin !== undefined) {
    if (allowed(request, origin) || URL.parse(origin)?.host === request.headers.host?.toLowerCase()) return undefined;
    return `requests from pages of ${JSON.stringify(origin)} are refused: a web page may not drive this API (WES_ALLOWED_ORIGINS lists trusted ones)`;
  }
  if (typeof site === 'string' && !OWN_SITE.has(site))
    return `a ${site} request of a browser is refused: a web page may not drive this API`;
  return undefined;
}

/** The configured origins, everywhere; the Temporal Web UI's, on the codec routes. */
function originPolicy(config: Pick<Config, 'allowedOrigins' | 'temporalUiUrl'>): OriginPolicy {
  const origins = new Set(config.allowedOrigins);
  const ui = uiOrigin(config);
  const codecPaths = new Set(codecRequestPaths());
  return (request, origin) => origins.has(origin) || (origin === ui && codecPaths.has(requestPath(request)));
}

export function refuseForeignRequests(
  config: Pick<Config, 'apiHost' | 'allowedHosts' | 'allowedOrigins' | 'temporalUiUrl'>,
): onRequestHookHandler {
  const hosts = allowedHostNames(config);
  const allowed = originPolicy(config);
  // A Fastify onRequest hook: routing has found the route, no byte of the body has been read.
  return (request, reply, next) => {
    const name = hostName(request.headers.host);
    if (name === undefined || !hosts.has(name)) {
      const shown = request.headers.host === undefined ? 'no Host header' : `Host ${JSON.stringify(request.headers.host)}`;
      // An IP address cannot be rebound, but it names one interface: say which names are taken.
      const hint = isIP(name ?? '') ? 'an address this API does not listen on' : 'a name this API does not answer to';
      refuse(reply, HttpStatus.MISDIRECTED, `${shown}: ${hint} (WES_ALLOWED_HOSTS adds names)`);
      return;
    }
    const foreign = foreignOrigin(request, allowed);
    if (foreign) {
      refuse(reply, HttpStatus.FORBIDDEN, foreign);
      return;
    }
    next();
  };
}

function refuse(reply: FastifyReply, status: number, msg: string): void {
  const error: ErrorResponse = { msg, status_code: status };
  // The body is never read: Node discards what the client still sends.
  void reply.code(status).send(error);
}
