/**
 * A Server-Sent Events response (docs/design.md, "Live streams"): named events with ids, comments
 * as heartbeats so that proxies keep an idle connection, and a closed flag that the producer's
 * loop checks, so that its work stops when the client goes away. The stream writes to Node's
 * response itself, taken over from Fastify (`reply.hijack()`), which then neither answers for the
 * handler nor ends the response when the handler returns.
 */
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import { stringifyExactJson } from '../../../domain/exact-json';

/** Whether to answer with a stream: a HEAD (which Fastify routes to GET) gets the plain answer's headers, never a stream that polls on for nothing. */
export const followed = (follow: boolean, reply: FastifyReply): boolean => follow && reply.request.method !== 'HEAD';

/** Under the usual 30–60 s idle timeouts of proxies and load balancers. */
const HEARTBEAT_MS = 15_000;

export class EventStream {
  private open = true;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly wakers = new Set<() => void>();
  private readonly response: ServerResponse;

  constructor(reply: FastifyReply) {
    this.response = reply.raw;
    // Fastify sends nothing more for this request; the headers set on the reply so far (the rate limit's) go out here.
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) this.response.setHeader(name, value);
    this.response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    this.response.flushHeaders();
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), HEARTBEAT_MS);
    this.response.on('close', () => this.stop());
  }

  get closed(): boolean {
    return !this.open;
  }

  /** `data` as one line of JSON; `id` is what a reconnecting client sends back as Last-Event-ID. */
  send(event: string, data: unknown, id?: number): void {
    this.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${stringifyExactJson(data)}\n\n`);
  }

  /**
   * Resolves once the client has taken what was sent (or has gone): a producer that awaits it
   * between events holds no more than one socket buffer of a large log in memory.
   */
  drained(): Promise<void> {
    if (!this.open || !this.response.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.once('drain', done);
      this.response.once('close', done);
    });
  }

  /** The last event, then the end of the response. */
  finish(event: string, data: unknown): void {
    this.send(event, data);
    this.response.end();
    this.stop();
  }

  /** Waits `ms`, or less if the client goes away meanwhile. */
  sleep(ms: number): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private write(text: string): void {
    if (this.open) this.response.write(text);
  }

  private stop(): void {
    this.open = false;
    clearInterval(this.heartbeat);
    for (const wake of [...this.wakers]) wake();
  }
}
