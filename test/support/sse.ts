/**
 * A live stream of the API (follow=true) read as a client reads it, event by event, over a real
 * HTTP connection: supertest would only hand over the body once the stream has ended.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface OpenStream {
  status: number;
  contentType: string;
  /** Every event so far, in order. */
  events: EventSourceMessage[];
  /** Resolves when the server ends the response, with every event. */
  ended: Promise<EventSourceMessage[]>;
  /** Hangs up, as a client that goes away does. */
  close(): void;
}

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(bytes, { stream: true }));
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    return events;
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    events,
    ended,
    close: () => controller.abort(),
  };
}

/** The events' data, parsed. */
export const dataOf = (events: EventSourceMessage[], event: string) =>
  events.filter((e) => e.event === event).map((e) => JSON.parse(e.data));
