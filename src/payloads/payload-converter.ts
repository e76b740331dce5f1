/**
 * The payload converter of every client, worker and workflow of durable-wes: Temporal's default,
 * whose JSON keeps every number exactly (docs/design.md, "Large payloads"; docs/formats.md,
 * "Numbers"). Payloads stay `json/plain`, and a value without a number beyond a double encodes to
 * the very bytes the default converter writes, so histories recorded before replay unchanged.
 * Bundled into the workflow code (payloadConverterPath): it imports nothing with side effects.
 */
import { BinaryPayloadConverter, CompositePayloadConverter, UndefinedPayloadConverter, ValueError } from '@temporalio/common';
import type { Payload, PayloadConverterWithEncoding } from '@temporalio/common';
import { parseExactJson, stringifyExactJson } from '../../domain/exact-json';

const JSON_ENCODING = 'json/plain';
// JSON.stringify escapes lone surrogates, so its text has one UTF-8 encoding: any encoder writes the SDK's bytes.
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

class ExactJsonPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = JSON_ENCODING;

  toPayload(value: unknown): Payload | undefined {
    if (value === undefined) return undefined;
    let json: string;
    try {
      json = stringifyExactJson(value);
    } catch {
      // As the default converter: a value it cannot write is one no converter takes.
      return undefined;
    }
    return { metadata: { encoding: utf8Encoder.encode(JSON_ENCODING) }, data: utf8Encoder.encode(json) };
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the signature of PayloadConverterWithEncoding
  fromPayload<T>(payload: Payload): T {
    if (payload.data === undefined || payload.data === null) throw new ValueError('Got payload with no data');
    return parseExactJson(utf8Decoder.decode(payload.data)) as T;
  }
}

export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new ExactJsonPayloadConverter(),
);
