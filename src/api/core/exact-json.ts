/**
 * The API's JSON keeps every number exactly, in and out (docs/formats.md, "Numbers"). JSON bodies
 * are read as text (WES_MAX_BODY_BYTES, a 413 that names it) and parsed here; every
 * JSON answer, Nest's and a controller's own `reply.send(object)`, is written by stringifyExactJson:
 * a number beyond a double goes out as the digits it came in with.
 *
 * The other parsers: a multipart body is left unread for the run route to stream
 * (../runs/attachment-upload.ts), and a body of any other type is not read at all: the request
 * validator answers that the operation does not take that type (a 400 naming the types it takes).
 */
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { parseExactJson, stringifyExactJson } from '../../../domain/exact-json';

export interface JsonBodyOptions {
  limit: number;
  /** Judges the text before it is parsed; throws to refuse it. */
  verify: (body: string) => void;
}

export function useExactJson(fastify: FastifyInstance, body: JsonBodyOptions): void {
  // Fastify's own JSON parser would make numbers doubles, and its text parser would buffer bodies we do not take.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', (request, payload, done) => {
    readText(payload, request.headers, body.limit).then((text) => {
      try {
        body.verify(text);
        // As body-parser's JSON parser did: an empty body is an empty object.
        done(null, text === '' ? {} : parseExactJson(text));
      } catch (err) {
        // Worded as the other errors of a body are.
        done(new BadRequestException(`request body: ${(err as Error).message}`), undefined);
      }
    }, done);
  });
  // The stream is the route's: it parses the form as it comes, with limits of its own.
  fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  fastify.setReplySerializer((payload) => stringifyExactJson(payload));
}

/**
 * The body as UTF-8 text, refused past `limit` bytes: at once when its Content-Length says so, else
 * as soon as it gets there (what the client still sends is read and dropped). Read here, not by
 * Fastify's own reader (its bodyLimit), whose error says neither the limit nor its variable.
 */
function readText(payload: NodeJS.ReadableStream, headers: IncomingHttpHeaders, limit: number): Promise<string> {
  const tooLarge = () => new PayloadTooLargeException(`request body: larger than ${limit} bytes (WES_MAX_BODY_BYTES)`);
  const declared = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  return new Promise((resolve, reject) => {
    if (declared !== undefined && declared > limit) {
      payload.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      payload.off('data', onData);
      payload.resume();
      reject(tooLarge());
    };
    payload.on('data', onData);
    payload.on('error', reject);
    payload.on('end', () => {
      if (size > limit) return;
      if (declared !== undefined && size !== declared) {
        reject(new BadRequestException(`request body: ${size} bytes, not the ${declared} its Content-Length says`));
        return;
      }
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
