/**
 * domain/exact-json.ts: numbers beyond a double keep their digits; everything else is the built-in
 * JSON's, byte for byte. And the payload converter built on it (src/payloads/payload-converter.ts).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { payloadConverter } from '../src/payloads/payload-converter';
import { inexactNumberAt, isLosslessNumber, LosslessNumber, parseExactJson, stringifyExactJson } from '../domain/exact-json';

const INEXACT = [
  '4200000000000000000000000000000000000000000',
  '9007199254740993',
  '0.1000000000000000055511151231257827',
  '1e400',
  '-1e-400',
  '1e16',
];

test.each(INEXACT)('%s is kept as written, through parse and stringify', (digits) => {
  const text = `{"n":${digits},"list":[1,${digits}]}`;
  const value = parseExactJson(text) as { n: unknown; list: unknown[] };
  expect(isLosslessNumber(value.n)).toBe(true);
  expect(String(value.n)).toBe(digits);
  expect(value.list[0]).toBe(1);
  expect(stringifyExactJson(value)).toBe(text);
});

test('numbers a double holds are plain numbers, as JSON.parse gives them', () => {
  const text = '{"a":1,"b":-2.5,"c":9007199254740991,"d":0.30000000000000004,"e":1.5e-7,"f":"12345678901234567890 in a string"}';
  expect(parseExactJson(text)).toEqual(JSON.parse(text));
  expect(Object.values(parseExactJson(text) as object).some(isLosslessNumber)).toBe(false);
});

test('ordinary values stringify byte for byte as JSON.stringify writes them', () => {
  const values: unknown[] = [
    { a: 1, b: [1, 'two', null, undefined, () => 3], c: { d: new Date(0), e: -0, f: NaN, g: '\u0000\ud800"' }, h: undefined },
    [undefined, { toJSON: () => 'json' }],
    'text',
    0.1,
  ];
  for (const value of values) {
    expect(stringifyExactJson(value)).toBe(JSON.stringify(value));
    expect(stringifyExactJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  }
});

test('a key given twice keeps its last value, as JSON.parse does, on either path', () => {
  expect(parseExactJson('{"a":1,"a":2}')).toEqual({ a: 2 });
  expect(parseExactJson('{"a":1,"a":9007199254740993}')).toEqual({ a: new LosslessNumber('9007199254740993') });
});

test('text that is not JSON is a SyntaxError on either path', () => {
  expect(() => parseExactJson('{"a":')).toThrow(SyntaxError);
  expect(() => parseExactJson('{"a":12345678901234567890')).toThrow(SyntaxError);
});

test('inexactNumberAt names the first number beyond a double', () => {
  expect(inexactNumberAt(parseExactJson('{"a":[1,{"b":9007199254740993}]}'))).toEqual(['a', 1, 'b']);
  expect(inexactNumberAt({ a: [1, { b: 2 }] })).toBeUndefined();
});

test("the payload converter writes ordinary values as the SDK's default converter does, and keeps numbers beyond a double", () => {
  const ordinary = [{ a: 1, b: ['é', null, 0.1], c: { d: '\ud800' } }, 'text', 42, null, true, new Uint8Array([1, 2])];
  for (const value of ordinary) {
    expect(payloadConverter.toPayload(value)).toEqual(defaultPayloadConverter.toPayload(value));
    expect(payloadConverter.fromPayload(defaultPayloadConverter.toPayload(value))).toEqual(value);
  }
  const text = '{"big":4200000000000000000000000000000000000000000,"precise":0.1000000000000000055511151231257827}';
  const payload = payloadConverter.toPayload(parseExactJson(text));
  expect(new TextDecoder().decode(payload.data)).toBe(text);
  expect(stringifyExactJson(payloadConverter.fromPayload(payload))).toBe(text);
});
