/**
 * `@ValidRequest()`: the handler's request, checked against the API's document. A pipe, so that it
 * runs after the interceptors: multer (FilesInterceptor) has parsed a multipart body by then.
 */
import { createParamDecorator, Inject, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { REQUEST_VALIDATOR } from '../core/tokens';
import type { RequestValidator, ValidatedRequest } from './request-validator';

@Injectable()
export class RequestValidation implements PipeTransform<Request, ValidatedRequest> {
  constructor(@Inject(REQUEST_VALIDATOR) readonly validator: RequestValidator) {}

  transform(request: Request): ValidatedRequest {
    const params = Object.fromEntries(Object.entries(request.params).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]));
    return { path: params as Record<string, string>, query: request.query as Record<string, unknown>, headers: Object.fromEntries(Object.entries(request.headers).flatMap(([k, v]) => [[k, v], [k.replace(/(^|-)\w/g, (c) => c.toUpperCase()), v]])), body: request.body };
  }
}

const HttpRequest = createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Request>());

export const ValidRequest = () => HttpRequest(RequestValidation);
