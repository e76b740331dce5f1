/**
 * The live streams this API process has open. A stream lasts as long as its run, and an HTTP
 * server does not close while a response is open: at shutdown each stream is ended with an
 * `error` event, so that its client reconnects (to another replica, or to this one restarted) and
 * resumes with Last-Event-ID.
 */
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { EventStream } from './event-stream';

@Injectable()
export class OpenStreams implements BeforeApplicationShutdown {
  private readonly streams = new Set<EventStream>();

  open(response: Response): EventStream {
    const stream = new EventStream(response);
    this.streams.add(stream);
    response.on('close', () => this.streams.delete(stream));
    return stream;
  }

  beforeApplicationShutdown(): void {
    for (const stream of this.streams) {
      if (!stream.closed) stream.finish('error', { msg: 'the API is shutting down; reconnect with Last-Event-ID', status_code: 503 });
    }
    this.streams.clear();
  }
}
