/**
 * Receiving a multipart run request (POST /runs): its text fields become the body the request
 * validator decodes, its workflow_attachment parts go to disk under the data dir, so that large
 * attachments never sit in memory and staging is a rename. The body is streamed through the form
 * field gate (./form-field-gate.ts) into busboy (@fastify/busboy): a text field the form does not
 * have is a 400 as soon as its header arrives. Every limit of an upload is a 413 that names its
 * variable: the size of one attachment, their count and total size per request, the size of a form
 * field and of all of them.
 *
 * Fastify leaves the body of this content type unread (../core/exact-json.ts); this interceptor
 * reads it after the guards (authentication, scope, rate limit) and before the validation pipe.
 * Not @fastify/multipart: it would parse JSON fields itself, as doubles and without the depth check.
 *
 * A refused request leaves nothing behind: the files written so far, whole or partial, are removed,
 * and what the client still sends is read and dropped, so that it hears the answer.
 */
import {
  BadRequestException,
  Inject,
  Injectable,
  PayloadTooLargeException,
  createParamDecorator,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import Busboy, { type BusboyFileStream, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import type { Config } from '../../config/config';
import { CONFIG, REQUEST_VALIDATOR } from '../core/tokens';
import type { RequestValidator } from '../validation/request-validator';
import { attachmentPath } from './attachments';
import { FormFieldGate, multipartBoundary } from './form-field-gate';
import type { UploadedFile } from './run-creation.service';

/** A run request has eight text fields; a few repeated ones are the client's mistake to hear of. */
const MAX_FORM_FIELDS = 32;
/** The form's one file field. */
const ATTACHMENT_FIELD = 'workflow_attachment';

export interface UploadLimits {
  /** Where the files go. */
  dir: string;
  /** The text fields the form has. */
  fields: ReadonlySet<string>;
  maxAttachmentBytes: number;
  maxAttachments: number;
  maxUploadBytes: number;
  /** Of one text field, and of all of them. */
  maxTextBytes: number;
}

export interface ReceivedForm {
  /** By name; a repeated field is a list (the validator refuses it where the document wants one value). */
  fields: Record<string, string | string[]>;
  /** In the order they came. */
  files: UploadedFile[];
}

/** The files the interceptor received for a request, for the handler (`@UploadedAttachments()`). */
const uploaded = new WeakMap<FastifyRequest, UploadedFile[]>();

export const UploadedAttachments = createParamDecorator(
  (_data: unknown, context: ExecutionContext): UploadedFile[] => uploaded.get(context.switchToHttp().getRequest<FastifyRequest>()) ?? [],
);

/** Whether a request carries a body at all (as type-is's hasBody: a length, or chunks). */
function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

function isForm(request: IncomingMessage): boolean {
  const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
  return type === 'multipart/form-data' && hasBody(request);
}

@Injectable()
export class AttachmentUpload implements NestInterceptor {
  private readonly limits: UploadLimits;

  constructor(@Inject(CONFIG) config: Config, @Inject(REQUEST_VALIDATOR) validator: RequestValidator) {
    this.limits = {
      dir: path.join(config.dataDir, 'uploads'),
      fields: new Set(validator.formFields('POST', '/runs')),
      maxAttachmentBytes: config.maxAttachmentBytes,
      maxAttachments: config.maxAttachments,
      maxUploadBytes: config.maxUploadBytes,
      maxTextBytes: config.maxBodyBytes,
    };
    mkdirSync(this.limits.dir, { recursive: true });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isForm(request.raw)) return next.handle();
    return from(receiveForm(request.raw, this.limits)).pipe(
      mergeMap(({ fields, files }) => {
        request.body = fields;
        uploaded.set(request, files);
        // The handler removes what it did not stage; a request refused before it (by the validator) leaves its files here.
        return next.handle().pipe(
          catchError(async (err: unknown) => {
            await removeAll(files.map((file) => file.path));
            throw err;
          }),
        );
      }),
    );
  }
}

const removeAll = (paths: string[]) => Promise.all(paths.map((file) => rm(file, { force: true })));

/** Reads the whole form; refuses it (an HttpException) at the first limit it breaks. */
export function receiveForm(request: IncomingMessage, limits: UploadLimits): Promise<ReceivedForm> {
  return new Promise((resolve, reject) => {
    // No prototype: a field's name is only a key.
    const fields = Object.create(null) as Record<string, string | string[]>;
    const files: UploadedFile[] = [];
    /** The files being written: each settles when its file is closed, written whole or not. */
    const writing = new Set<Promise<void>>();
    const streams = new Set<NodeJS.WritableStream & { destroy(error?: Error): void }>();
    let failed = false;
    let parsed = false;
    /** Resolved: the files are the handler's now, whatever the connection does next. */
    let received = false;
    let uploadBytes = 0;

    const boundary = multipartBoundary(request.headers['content-type']);
    let busboy: BusboyInstance;
    try {
      busboy = new Busboy({
        headers: request.headers as BusboyHeaders,
        // Keep `dir/tool.cwl` as the client named it; busboy would otherwise cut it to `tool.cwl`.
        preservePath: true,
        limits: { fileSize: limits.maxAttachmentBytes, fieldSize: limits.maxTextBytes, fields: MAX_FORM_FIELDS },
      });
    } catch (err) {
      // No boundary: the body is read and dropped, so that the client hears the 400.
      request.resume();
      reject(new BadRequestException((err as Error).message));
      return;
    }

    const fail = (error: unknown) => {
      if (failed || received) return;
      failed = true;
      // What the client still sends is read and dropped: it hears the answer instead of a reset.
      request.unpipe();
      request.resume();
      busboy.removeAllListeners();
      busboy.on('error', () => undefined);
      for (const stream of streams) stream.destroy();
      // Removed once closed: a file still opening would otherwise appear after its removal.
      void Promise.allSettled([...writing])
        .then(() => removeAll(files.map((file) => file.path)))
        .finally(() => reject(error));
    };
    const done = () => {
      if (failed || !parsed || writing.size > 0) return;
      received = true;
      resolve({ fields, files });
    };

    busboy.on('field', (name: string, value: string, nameTruncated: boolean, valueTruncated: boolean) => {
      if (failed) return;
      if (valueTruncated) {
        fail(new PayloadTooLargeException(`a form field is larger than ${limits.maxTextBytes} bytes (WES_MAX_BODY_BYTES)`));
        return;
      }
      if (nameTruncated) {
        fail(new BadRequestException('a form field name is too long'));
        return;
      }
      const before = Object.hasOwn(fields, name) ? fields[name] : undefined;
      fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
    });
    busboy.on('fieldsLimit', () => fail(new PayloadTooLargeException(`more than ${MAX_FORM_FIELDS} form fields`)));

    busboy.on('file', (name: string, stream: BusboyFileStream, filename: string | undefined) => {
      if (failed) {
        stream.resume();
        return;
      }
      // Refused before a byte of it is stored.
      if (name !== ATTACHMENT_FIELD) {
        stream.resume();
        fail(new BadRequestException(`unexpected file field '${name}': files are sent as ${ATTACHMENT_FIELD}`));
        return;
      }
      try {
        attachmentPath(filename ?? '');
      } catch (err) {
        stream.resume();
        fail(err);
        return;
      }
      if (files.length >= limits.maxAttachments) {
        stream.resume();
        fail(new PayloadTooLargeException(`more than ${limits.maxAttachments} workflow_attachment parts (WES_MAX_ATTACHMENTS)`));
        return;
      }
      const file: UploadedFile = { originalname: filename ?? '', path: path.join(limits.dir, randomBytes(16).toString('hex')) };
      files.push(file);
      stream.on('limit', () =>
        fail(
          new PayloadTooLargeException(
            `a workflow_attachment is larger than ${limits.maxAttachmentBytes} bytes (WES_MAX_ATTACHMENT_BYTES)`,
          ),
        ),
      );
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          if ((uploadBytes += chunk.length) <= limits.maxUploadBytes) {
            next(null, chunk);
            return;
          }
          const tooLarge = new PayloadTooLargeException(
            `the workflow_attachment parts of one request are larger than ${limits.maxUploadBytes} bytes in all (WES_MAX_UPLOAD_BYTES)`,
          );
          fail(tooLarge);
          next(tooLarge);
        },
      });
      const out = createWriteStream(file.path);
      streams.add(out);
      const written = new Promise<void>((settle) => {
        pipeline(stream, counter, out, (err) => {
          streams.delete(out);
          writing.delete(written);
          settle();
          if (err) fail(err);
          else done();
        });
      });
      writing.add(written);
    });

    // busboy's errors are a malformed body's.
    busboy.on('error', (err: Error) => fail(new BadRequestException(err.message)));
    busboy.on('finish', () => {
      parsed = true;
      done();
    });
    request.on('error', (err) => fail(err));

    if (boundary === undefined) {
      request.pipe(busboy);
      return;
    }
    const gate = new FormFieldGate(boundary, { fields: limits.fields, maxTextBytes: limits.maxTextBytes });
    gate.on('error', fail);
    request.pipe(gate).pipe(busboy);
  });
}
