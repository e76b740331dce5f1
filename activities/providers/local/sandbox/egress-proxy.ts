/**
 * The one way out of a sandbox that has egress (docs/design.md, "Egress of a sandboxed run"): an
 * HTTP proxy on a unix socket of the run, served by the worker. `CONNECT host:port` for https (and
 * any TCP to an allowed port), absolute-URI requests for plain http. The proxy resolves each
 * destination itself and judges the address it connects to, with the fetch's address policy and
 * guarded lookup (fetch/address-policy.ts, fetch/download.ts); a refusal is a 403 naming why, and
 * a line in the worker's log naming the run and the destination.
 */
import type { Logger } from '@temporalio/common';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import { errorMessage, InvalidRunRequestError } from '../../../errors';
import { ipLiteral, literalAddress, type AddressPolicy } from '../../../fetch/address-policy';
import { guardedLookup } from '../../../fetch/download';
import { formatSize } from '../../../byte-sizes';

export interface EgressRules {
  policy: AddressPolicy;
  ports: readonly number[];
  /** Client connections of the run at once. */
  connections: number;
  /** Bytes sent and received in all, bodies and tunnels; over it every connection is closed. */
  bytes: number;
  /** A connection that moves nothing this long is closed. */
  idleMs: number;
}

/** Headers of one hop, never passed on (RFC 9110, 7.6.1), and the proxy's own. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = (headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name) && !named.includes(name)));
}

/** `host:port` of a CONNECT, an IPv6 host in brackets; undefined when it is not one. */
function authority(target: string | undefined): { hostname: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(target ?? '');
  return match ? { hostname: match[1], port: Number(match[2]) } : undefined;
}

/** What a raw socket is told before it is closed: a CONNECT's refusal, a connection over the limit. */
function rawAnswer(status: number, reason: string): string {
  const body = `${reason}\n`;
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

export class EgressProxy {
  private readonly server: http.Server;
  /** Every socket of the run, clients' and destinations', closed with it. */
  private readonly sockets = new Set<net.Socket>();
  /** Connections over the limit: told so, and served nothing. */
  private readonly turnedAway = new WeakSet<net.Socket>();
  private clients = 0;
  private bytes = 0;

  constructor(
    readonly runId: string,
    private readonly rules: EgressRules,
    private readonly log: Logger,
  ) {
    // No limit on a whole request: an upload may take long; idleness is what is limited.
    this.server = http.createServer({ requestTimeout: 0, headersTimeout: 30_000, maxHeaderSize: 16 * 1024 });
    this.server.on('connection', (socket: net.Socket) => this.admit(socket));
    this.server.on('connect', (request: IncomingMessage, socket: net.Socket, head: Buffer) => this.tunnel(request, socket, head));
    this.server.on('request', (request: IncomingMessage, response: ServerResponse) => this.forward(request, response));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops listening and closes every connection of the run. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    return closed;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setTimeout(this.rules.idleMs, () => socket.destroy());
    socket.once('close', () => this.sockets.delete(socket));
  }

  private admit(socket: net.Socket): void {
    this.track(socket);
    if (this.clients >= this.rules.connections) {
      this.log.warn(`egress of run ${this.runId}: a connection over the limit of ${this.rules.connections} refused`);
      this.turnedAway.add(socket);
      socket.end(rawAnswer(429, `the run has ${this.rules.connections} connections open already, its limit`));
      return;
    }
    this.clients++;
    socket.once('close', () => this.clients--);
  }

  /** Counts bytes moved; past the limit the run's every connection is closed. */
  private spend(bytes: number): boolean {
    this.bytes += bytes;
    if (this.bytes <= this.rules.bytes) return true;
    if (this.bytes - bytes <= this.rules.bytes)
      this.log.warn(`egress of run ${this.runId}: its limit of ${formatSize(this.rules.bytes)} is used up: connections closed`);
    for (const socket of this.sockets) socket.destroy();
    return false;
  }

  /** Why the run may not connect to `hostname:port`, as far as is known before resolving it. */
  private refusal(hostname: string, port: number): string | undefined {
    if (this.bytes > this.rules.bytes) return `the run's egress limit of ${formatSize(this.rules.bytes)} is used up`;
    if (!this.rules.ports.includes(port)) return `port ${port} is not allowed (allowed: ${this.rules.ports.join(', ')})`;
    // Node connects to an IP without a lookup: an address written out is judged here; a name, by the guarded lookup.
    const literal = literalAddress(hostname.replace(/^\[(.*)\]$/, '$1'));
    return literal === undefined ? undefined : this.rules.policy.refusal(hostname, literal);
  }

  private refused(destination: string, why: string): void {
    this.log.warn(`egress of run ${this.runId} to ${destination} refused: ${why}`);
  }

  /** A failure to connect: a refusal of the guarded lookup is a 403, anything else a 502. */
  private failed(destination: string, err: unknown): { status: number; reason: string } {
    const reason = `${destination}: ${errorMessage(err)}`;
    if (err instanceof InvalidRunRequestError) {
      this.refused(destination, errorMessage(err));
      return { status: 403, reason };
    }
    return { status: 502, reason };
  }

  private connectTo(hostname: string, port: number): net.Socket {
    const upstream = net.connect({ host: ipLiteral(hostname) ?? hostname, port, lookup: guardedLookup(this.rules.policy, hostname) });
    this.track(upstream);
    return upstream;
  }

  private tunnel(request: IncomingMessage, client: net.Socket, head: Buffer): void {
    // The HTTP server hands a CONNECT's socket over without its own error handler.
    client.on('error', () => client.destroy());
    if (this.turnedAway.has(client)) return;
    const target = authority(request.url);
    if (!target) {
      client.end(rawAnswer(400, 'CONNECT names host:port'));
      return;
    }
    const destination = `${target.hostname}:${target.port}`;
    const why = this.refusal(target.hostname, target.port);
    if (why !== undefined) {
      this.refused(destination, why);
      client.end(rawAnswer(403, `${destination}: ${why}`));
      return;
    }
    const upstream = this.connectTo(target.hostname, target.port);
    upstream.once('error', (err) => {
      const { status, reason } = this.failed(destination, err);
      if (!client.destroyed) client.end(rawAnswer(status, reason));
    });
    upstream.once('connect', () => {
      this.log.debug(`egress of run ${this.runId} to ${destination} (${upstream.remoteAddress ?? 'address unknown'})`);
      upstream.removeAllListeners('error');
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0 && this.spend(head.length)) upstream.write(head);
      this.relay(client, upstream);
      this.relay(upstream, client);
    });
    client.once('close', () => upstream.destroy());
  }

  /** One direction of a tunnel, counted, with back-pressure; its end half-closes the other side. */
  private relay(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.spend(chunk.length) && !to.write(chunk)) from.pause();
    });
    to.on('drain', () => from.resume());
    from.once('end', () => to.end());
    from.once('close', () => to.destroySoon());
    from.on('error', () => to.destroy());
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    if (this.turnedAway.has(request.socket)) return;
    const answer = (status: number, reason: string) => {
      const body = `${reason}\n`;
      response
        .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' })
        .end(body);
    };
    let url: URL;
    try {
      url = new URL(request.url ?? '');
    } catch {
      answer(400, 'a proxy request names an absolute http:// URL');
      return;
    }
    if (url.protocol !== 'http:') {
      answer(400, `only http:// URLs are forwarded, not ${url.protocol}; https goes through CONNECT`);
      return;
    }
    const port = Number(url.port || 80);
    const destination = `${url.hostname}:${port}`;
    const why = this.refusal(url.hostname, port);
    if (why !== undefined) {
      this.refused(destination, why);
      answer(403, `${destination}: ${why}`);
      return;
    }
    const upstream = http.request({
      host: ipLiteral(url.hostname) ?? url.hostname,
      port,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: endToEnd(request.headers),
      setHost: false,
      lookup: guardedLookup(this.rules.policy, url.hostname),
      // A fresh connection per request: a pooled one may be to an address checked for another host.
      agent: false,
    });
    upstream.once('socket', (socket: net.Socket) => this.track(socket));
    upstream.once('error', (err) => {
      if (response.headersSent) response.destroy();
      else {
        const { status, reason } = this.failed(destination, err);
        answer(status, reason);
      }
    });
    upstream.once('response', (answered) => {
      response.writeHead(answered.statusCode ?? 502, answered.statusMessage, endToEnd(answered.headers));
      answered.on('data', (chunk: Buffer) => {
        if (this.spend(chunk.length) && !response.write(chunk)) answered.pause();
      });
      response.on('drain', () => answered.resume());
      answered.once('end', () => response.end());
      answered.once('error', () => response.destroy());
    });
    request.on('data', (chunk: Buffer) => {
      if (this.spend(chunk.length) && !upstream.write(chunk)) request.pause();
    });
    upstream.on('drain', () => request.resume());
    request.once('end', () => upstream.end());
    response.once('close', () => upstream.destroy());
  }
}
