/**
 * The payload converter of every client, worker and workflow of durable-wes: Temporal's default,
 * whose JSON keeps every number exactly (docs/design.md, "Large payloads"; docs/formats.md,
 * "Numbers"). Payloads stay `json/plain`, and a value without a number beyond a double encodes to
 * the very bytes the default converter writes, so histories recorded before replay unchanged.
 * Bundled into the workflow code (payloadConverterPath): it imports nothing with side effects.
 */
import { BinaryPayloadConverter, CompositePayloadConverter, UndefinedPayloadConverter, ValueError } from '@temporalio/common';
import type { Payload, PayloadConverterWithEncoding } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { parseExactJson, stringifyExactJson } from '../../domain/exact-json';

const JSON_ENCODING = 'json/plain';

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
    return { metadata: { encoding: encode(JSON_ENCODING) }, data: encode(json) };
  }

  fromPayload<T>(payload: Payload): T {
    if (payload.data === undefined || payload.data === null) throw new ValueError('Got payload with no data');
    return parseExactJson(decode(payload.data)) as T;
  }
}

export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new ExactJsonPayloadConverter(),
);
