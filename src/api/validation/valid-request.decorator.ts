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
  constructor(@Inject(REQUEST_VALIDATOR) private readonly validator: RequestValidator) {}

  transform(request: Request): ValidatedRequest {
    return this.validator.validate(request);
  }
}

const HttpRequest = createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Request>());

export const ValidRequest = () => HttpRequest(RequestValidation);
