/**
 * Receiving workflow_attachment parts (multer, through Nest's FilesInterceptor): to disk under
 * the data dir, so that large attachments never sit in memory and staging is a rename. Every
 * limit of an upload is a 413 that names its variable: the size of one attachment, their count
 * and total size per request, the size of a form field and of all of them. A text field the form
 * does not have is a 400 as soon as its header arrives (./form-field-gate.ts).
 */
import {
  Inject,
  Injectable,
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { MulterModuleOptions } from '@nestjs/platform-express';
import type { Request } from 'express';
import multer, { type StorageEngine } from 'multer';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { catchError, throwError, type Observable } from 'rxjs';
import type { Config } from '../../config/config';
import { CONFIG } from '../core/tokens';
import { attachmentPath } from './attachments';
import { FormFieldGate, multipartBoundary } from './form-field-gate';

/** A run request has eight text fields; a few repeated ones are the client's mistake to hear of. */
const MAX_FORM_FIELDS = 32;

/** What one request has uploaded so far. */
const received = new WeakMap<Request, { files: number; bytes: number }>();
function receivedBy(request: Request): { files: number; bytes: number } {
  const counts = received.get(request) ?? { files: 0, bytes: 0 };
  received.set(request, counts);
  return counts;
}

/** `formFields`: the text fields of the run request's form, as the API's document names them. */
export function attachmentUploadOptions(config: Config, formFields: readonly string[]): MulterModuleOptions {
  const gate = { fields: new Set(formFields), maxTextBytes: config.maxBodyBytes };
  const options: MulterModuleOptions & { streamHandler: (request: Request, parser: NodeJS.WritableStream) => void } = {
    storage: totalLimited(multer.diskStorage({ destination: path.join(config.dataDir, 'uploads') }), config.maxUploadBytes),
    limits: { fileSize: config.maxAttachmentBytes, fieldSize: config.maxBodyBytes, fields: MAX_FORM_FIELDS },
    // multer 2 hands busboy the body through this: the gate reads it on the way.
    streamHandler: (request, parser) => {
      const boundary = multipartBoundary(request.headers['content-type']);
      if (boundary === undefined) return void request.pipe(parser);
      const fieldGate = new FormFieldGate(boundary, gate);
      // multer fails the request on the parser's error, and drains what the client still sends.
      fieldGate.on('error', (error) => parser.emit('error', error));
      request.pipe(fieldGate).pipe(parser);
    },
    // Keep `dir/tool.cwl` as the client named it; busboy would otherwise cut it to `tool.cwl`.
    preservePath: true,
    defParamCharset: 'utf8',
    // Refused before a byte of it is stored.
    fileFilter: (request: Request, file, accept) => {
      try {
        attachmentPath(file.originalname);
        if (++receivedBy(request).files > config.maxAttachments) {
          throw new PayloadTooLargeException(`more than ${config.maxAttachments} workflow_attachment parts (WES_MAX_ATTACHMENTS)`);
        }
        accept(null, true);
      } catch (err) {
        accept(err as Error, false);
      }
    },
  };
  return options;
}

/** Disk storage that counts the bytes of all the request's files, and fails the one that goes past `maxBytes`. */
function totalLimited(disk: StorageEngine, maxBytes: number): StorageEngine {
  return {
    _handleFile(request, file, callback) {
      let tooLarge: Error | undefined;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          if ((receivedBy(request).bytes += chunk.length) > maxBytes) {
            tooLarge = new PayloadTooLargeException(
              `the workflow_attachment parts of one request are larger than ${maxBytes} bytes in all (WES_MAX_UPLOAD_BYTES)`,
            );
          }
          next(tooLarge ?? null, chunk);
        },
      });
      pipeline(file.stream, counter, () => undefined);
      // multer gives the file its stream as a read-only property.
      Object.defineProperty(file, 'stream', { value: counter, configurable: true });
      disk._handleFile(request, file, (err, info) => {
        if (!err) {
          callback(null, info);
          return;
        }
        // A failed file is not multer's to remove: what was written of it goes here. The disk
        // storage may fail first, on the stream the limit destroyed: the limit is the cause. It sets the
        // path once it opens the file, so a failure before that has none (multer's types say it always has).
        const written = file.path as string | undefined;
        void (written === undefined ? Promise.resolve() : rm(written, { force: true })).finally(() => callback(tooLarge ?? err));
      });
    },
    _removeFile: (request, file, callback) => disk._removeFile(request, file, callback),
  };
}

const multerMessage = (code: multer.ErrorCode) => new multer.MulterError(code).message;

/** Says which limit an oversized attachment or form field broke. */
@Injectable()
export class UploadLimitErrors implements NestInterceptor {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((err: unknown) => throwError(() => this.named(err))));
  }

  /** Nest's multer errors carry multer's message, which says what, not which limit: a file too large, or a field (Nest makes that one a 400). */
  private named(err: unknown): unknown {
    if (!(err instanceof Error)) return err;
    if (err.message === multerMessage('LIMIT_FILE_SIZE')) {
      return new PayloadTooLargeException(
        `a workflow_attachment is larger than ${this.config.maxAttachmentBytes} bytes (WES_MAX_ATTACHMENT_BYTES)`,
      );
    }
    if (err.message.startsWith(multerMessage('LIMIT_FIELD_VALUE'))) {
      return new PayloadTooLargeException(`a form field is larger than ${this.config.maxBodyBytes} bytes (WES_MAX_BODY_BYTES)`);
    }
    if (err.message.startsWith(multerMessage('LIMIT_FIELD_COUNT')))
      return new PayloadTooLargeException(`more than ${MAX_FORM_FIELDS} form fields`);
    return err;
  }
}
