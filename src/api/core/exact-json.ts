/**
 * The API's JSON keeps every number exactly, in and out (docs/formats.md, "Numbers"). JSON bodies
 * are read as text by Fastify (its body limit and errors, as for any body) and parsed here; every
 * JSON answer, Nest's and a controller's own `reply.send(object)`, is written by stringifyExactJson:
 * a number beyond a double goes out as the digits it came in with.
 *
 * The other parsers: a multipart body is left unread for the run route to stream
 * (../runs/attachment-upload.ts), and a body of any other type is not read at all (the request
 * validator answers that the operation does not take it, as it did when Express had no parser for it).
 */
import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { parseExactJson, stringifyExactJson } from '../../../domain/exact-json';

export interface JsonBodyOptions {
  limit: number;
  /** Judges the text before it is parsed; throws to refuse it. */
  verify: (body: string) => void;
}

export function useExactJson(fastify: FastifyInstance, body: JsonBodyOptions): void {
  // Fastify's own JSON parser would make numbers doubles, and its text parser would buffer bodies we do not take.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: body.limit }, (_request, text, done) => {
    try {
      body.verify(text as string);
      // As body-parser's JSON parser did: an empty body is an empty object.
      done(null, text === '' ? {} : parseExactJson(text as string));
    } catch (err) {
      // Worded as the other errors of a body are (../errors/error-response.ts).
      done(new BadRequestException(`request body: ${(err as Error).message}`), undefined);
    }
  });
  // The stream is the route's: it parses the form as it comes, with limits of its own.
  fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  fastify.setReplySerializer((payload) => stringifyExactJson(payload));
}
