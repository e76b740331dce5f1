/**
 * The API's JSON keeps every number exactly, in and out (docs/formats.md, "Numbers"). JSON bodies
 * are read as text by body-parser (its limits, charsets and errors, as for any body) and parsed
 * here; every JSON answer, Nest's and a controller's own `response.json`, is written by
 * stringifyExactJson: a number beyond a double goes out as the digits it came in with.
 */
import { BadRequestException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, NextFunction, Request, Response } from 'express';
import { parseExactJson, stringifyExactJson } from '../../../domain/exact-json';

export interface JsonBodyOptions {
  limit: number;
  verify: (request: unknown, response: unknown, body: Buffer) => void;
}

export function useExactJson(app: NestExpressApplication, body: JsonBodyOptions): void {
  app.useBodyParser('text', { type: 'application/json', ...body });
  app.use(parseJsonBody);
  const express: Express = app.getHttpAdapter().getInstance();
  // app.response is the prototype of this app's responses: one place for every `response.json`.
  express.response.json = function json(this: Response, value: unknown): Response {
    if (!this.get('Content-Type')) this.type('application/json');
    return this.send(stringifyExactJson(value));
  };
}

function parseJsonBody(request: Request, _response: Response, next: NextFunction): void {
  if (typeof request.body !== 'string' || !request.is('application/json')) {
    next();
    return;
  }
  try {
    // As body-parser's JSON parser: an empty body is an empty object.
    request.body = request.body === '' ? {} : parseExactJson(request.body);
  } catch (err) {
    // Worded as body-parser's own errors are (../errors/error-response.ts).
    next(new BadRequestException(`request body: ${(err as Error).message}`));
    return;
  }
  next();
}
