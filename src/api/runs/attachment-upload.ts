/**
 * Receiving workflow_attachment parts (multer, through Nest's FilesInterceptor): to disk under
 * the data dir, so that large attachments never sit in memory and staging is a rename.
 */
import { BadRequestException, Inject, Injectable, PayloadTooLargeException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { MulterModuleOptions } from '@nestjs/platform-express';
import path from 'node:path';
import { catchError, throwError, type Observable } from 'rxjs';
import type { Config } from '../../config';
import { CONFIG } from '../core/tokens';
import { attachmentPath } from './attachments';
import { MAX_FIELD_BYTES } from './run-submission';

export function attachmentUploadOptions(config: Config): MulterModuleOptions {
  return {
    dest: path.join(config.dataDir, 'uploads'),
    limits: { fileSize: config.maxAttachmentBytes, fieldSize: MAX_FIELD_BYTES },
    // Keep `dir/tool.cwl` as the client named it; busboy would otherwise cut it to `tool.cwl`.
    preservePath: true,
    defParamCharset: 'utf8',
    // Refused before a byte of it is stored.
    fileFilter: (_request, file, accept) => {
      try {
        attachmentPath(file.originalname);
        accept(null, true);
      } catch (err) {
        accept(err as Error, false);
      }
    },
  };
}

/** Says which limit an oversized attachment broke, as a 400 (WES has no 413). */
@Injectable()
export class AttachmentSizeErrors implements NestInterceptor {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) =>
        throwError(() =>
          err instanceof PayloadTooLargeException
            ? new BadRequestException(`a workflow_attachment is larger than ${this.config.maxAttachmentBytes} bytes (WES_MAX_ATTACHMENT_BYTES)`)
            : err,
        ),
      ),
    );
  }
}
