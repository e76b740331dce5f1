/**
 * Reading a live stream of the API (`follow=true`, docs/design.md "Live streams") to its `end`
 * event. A stream that breaks off (a restarted API replica, an `error` event) is reopened with
 * Last-Event-ID, so nothing is seen twice or missed.
 */
import { parseExactJson } from '../../domain/exact-json';
import { createParser } from 'eventsource-parser';
import type { ApiClient } from './api-client';
import { CliError, EXIT } from './exit-codes';

export interface StreamEvent {
  event: string;
  data: unknown;
  id?: string;
}

/** Reconnections in a row that bring nothing before giving up. */
const MAX_RETRIES = 5;
const RETRY_MS = 1_000;

/**
 * Calls `onEvent` for each event but the last; returns the `end` event's data. A log that its
 * provider keeps elsewhere is a redirect to plain text, not a stream: `onText` gets it whole.
 */
export async function followStream(
  api: ApiClient,
  path: string,
  onEvent: (event: StreamEvent) => void,
  onText?: (text: string) => void,
): Promise<unknown> {
  let lastEventId: string | undefined;
  let failures = 0;
  for (;;) {
    // A count, not a flag: TypeScript does not see the parser's callback set it.
    let events = 0;
    let end: { data: unknown } | undefined;
    let failure: Error | undefined;
    try {
      const headers: Record<string, string> = {
        Accept: 'text/event-stream',
        ...(lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId }),
      };
      const response = await api.fetch(path, {}, headers);
      if (!/^text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
        onText?.(await response.text());
        return undefined;
      }
      const parser = createParser({
        onEvent: ({ event, data, id }) => {
          if (end) return;
          if (id !== undefined) lastEventId = id;
          events++;
          const parsed = parseExactJson(data);
          if (event === 'end') end = { data: parsed };
          // The server broke off; reconnecting resumes after the last event.
          else if (event !== 'error') onEvent({ event: event ?? 'message', data: parsed, id });
        },
      });
      const decoder = new TextDecoder();
      for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(bytes, { stream: true }));
        if (end) break;
      }
      if (end) return end.data;
    } catch (error) {
      // The API's own refusals (404, 401, ...) do not change by retrying.
      if (error instanceof CliError && error.code !== EXIT.server) throw error;
      failure = error instanceof Error ? error : new CliError(String(error), EXIT.server);
    }
    failures = events > 0 ? 0 : failures + 1;
    if (failures >= MAX_RETRIES) throw failure ?? new CliError(`the stream ${api.url(path)} kept breaking off`, EXIT.server);
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
