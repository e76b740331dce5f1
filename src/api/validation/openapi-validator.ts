/**
 * TRIAL: express-openapi-validator in place of the hand-written request validator.
 */
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Options as MulterOptions } from 'multer';
import { formatKey, keyPathOf } from '../../../workflows/task/key-path';

export function openApiValidator(document: object, upload: MulterOptions): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: document as never,
    validateRequests: { allowUnknownQueryParameters: false },
    validateResponses: false,
    validateSecurity: false,
    fileUploader: upload,
    // A path parameter of many segments (an output path): path-to-regexp's {path} is one segment.
    ignorePaths: /\/runs\/[^/]+\/outputs\/.+\/.+/,
  }) as unknown as RequestHandler[];
}

interface LibraryError {
  status: number;
  errors?: Array<{ path: string; message: string; errorCode?: string }>;
  headers?: Record<string, string>;
}

export function isValidatorError(err: unknown): err is LibraryError {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number' && Array.isArray((err as { errors?: unknown }).errors);
}

/** The library's first error in our wording, as far as its items (path, message, keyword) allow. */
export function validatorErrorMessage({ errors }: LibraryError): string {
  const [{ path, message, errorCode }] = errors!;
  const [, location, ...rest] = path.split('/');
  const field = formatKey(keyPathOf(`/${rest.join('/')}`)) || (location === 'body' ? 'the request body' : location);
  switch (errorCode?.replace('.openapi.validation', '')) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `unknown field '${field}'`;
    case 'type':
      return `${field} ${message.replace(/must be (\w+)/, (_, type: string) => `must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`)}`;
    case 'enum':
      return `${field} ${message.replace('must be equal to one of the allowed values:', 'must be one of')}`;
    case 'minLength':
      return /fewer than 1 /.test(message) ? `${field} must not be empty` : `${field} ${message}`;
    default:
      return `${field} ${message}`;
  }
}
