/**
 * The live streams this API process has open, and their limits (docs/design.md, "Live streams"):
 * at most WES_MAX_STREAMS in the process and WES_MAX_STREAMS_PER_CALLER per caller (the owner, or
 * the client's address without auth), past which a request is a 429 before its stream begins; and
 * a lifetime, WES_STREAM_MAX_AGE, after which the stream ends with an `error` event for its client
 * to reconnect with Last-Event-ID. A stream of a run that waits for days would otherwise hold its
 * connection, its poll and its place for as long.
 *
 * An HTTP server does not close while a response is open: at shutdown each stream is ended with an
 * `error` event too, so that its client reconnects (to another replica, or to this one restarted).
 */
import { HttpException, HttpStatus, Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Config } from '../../config/config';
import type { Caller } from '../auth/caller';
import { CONFIG } from '../core/tokens';
import { EventStream } from './event-stream';

@Injectable()
export class OpenStreams implements BeforeApplicationShutdown {
  private readonly streams = new Set<EventStream>();
  private readonly perCaller = new Map<string, number>();

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  /** A stream for `reply`, or a 429 (before anything is sent) when a limit is reached. */
  open(reply: FastifyReply, caller: Caller | undefined): EventStream {
    const who = caller ? `owner ${caller.owner}` : `address ${reply.request.ip}`;
    const theirs = this.perCaller.get(who) ?? 0;
    if (this.streams.size >= this.config.maxStreams)
      throw tooMany(`this API process has ${this.config.maxStreams} live streams open (WES_MAX_STREAMS); try again later`);
    if (theirs >= this.config.maxStreamsPerCaller) {
      throw tooMany(`you have ${this.config.maxStreamsPerCaller} live streams open (WES_MAX_STREAMS_PER_CALLER); close one first`);
    }
    const stream = new EventStream(reply);
    this.streams.add(stream);
    this.perCaller.set(who, theirs + 1);
    const lifetime = setTimeout(() => {
      if (!stream.closed)
        stream.finish('error', {
          msg: `the stream has reached its lifetime of ${this.config.streamMaxAgeMs} ms (WES_STREAM_MAX_AGE); reconnect with Last-Event-ID`,
          status_code: 503,
        });
    }, this.config.streamMaxAgeMs);
    reply.raw.on('close', () => {
      clearTimeout(lifetime);
      this.streams.delete(stream);
      const left = (this.perCaller.get(who) ?? 1) - 1;
      if (left > 0) this.perCaller.set(who, left);
      else this.perCaller.delete(who);
    });
    return stream;
  }

  beforeApplicationShutdown(): void {
    for (const stream of this.streams) {
      if (!stream.closed) stream.finish('error', { msg: 'the API is shutting down; reconnect with Last-Event-ID', status_code: 503 });
    }
    this.streams.clear();
  }
}

function tooMany(msg: string): HttpException {
  return new HttpException(msg, HttpStatus.TOO_MANY_REQUESTS);
}
