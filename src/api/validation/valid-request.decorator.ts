/**
 * `@ValidRequest()`: the handler's request, checked against the API's document. A pipe, so that it
 * runs after the interceptors: ../runs/attachment-upload.ts has read a multipart body by then.
 */
import { createParamDecorator, Inject, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { REQUEST_VALIDATOR } from '../core/tokens';
import type { RequestValidator, ValidatedRequest } from './request-validator';

@Injectable()
export class RequestValidation implements PipeTransform<FastifyRequest, ValidatedRequest> {
  constructor(@Inject(REQUEST_VALIDATOR) private readonly validator: RequestValidator) {}

  transform(request: FastifyRequest): ValidatedRequest {
    return this.validator.validate(request);
  }
}

const HttpRequest = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  context.switchToHttp().getRequest<FastifyRequest>(),
);

export const ValidRequest = () => HttpRequest(RequestValidation);
