/**
 * The multipart body of a run request on its way to the parser (busboy, ./attachment-upload.ts), read for
 * the headers of its parts only: a text field the form does not have is refused when its header
 * arrives, before its value is read, and the text fields of one request together may be no larger
 * than a JSON body (WES_MAX_BODY_BYTES). busboy would buffer every field whole, whatever its name,
 * and hand it over only at its end; file parts are left to ./attachment-upload.ts, which refuses an
 * unexpected one at its header too.
 */
import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { Transform, type TransformCallback } from 'node:stream';

/** busboy's own limit on the headers of one part. */
const MAX_HEADER_BYTES = 16 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

type Reading = 'preamble' | 'headers' | 'text' | 'file' | 'end';

export interface FormFieldLimits {
  /** The text fields the form has. */
  fields: ReadonlySet<string>;
  /** The most bytes of all text fields together. */
  maxTextBytes: number;
}

/** The boundary of a `multipart/form-data` content type, or undefined (busboy then refuses the body). */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2];
}

export class FormFieldGate extends Transform {
  private readonly delimiter: Buffer;
  /** Bytes not yet judged: a possible start of a delimiter, or headers not yet complete. */
  private pending: Buffer;
  private reading: Reading = 'preamble';
  private textBytes = 0;

  constructor(
    boundary: string,
    private readonly limits: FormFieldLimits,
  ) {
    super();
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    // The first delimiter opens the body without a line break before it.
    this.pending = Buffer.from('\r\n');
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.scan(Buffer.concat([this.pending, chunk]));
      done(null, chunk);
    } catch (error) {
      done(error as Error);
    }
  }

  private scan(data: Buffer): void {
    while (this.reading !== 'end') {
      if (this.reading === 'headers') {
        // After a delimiter: `--` closes the body, else the part's headers up to a blank line.
        if (data.length < 2) break;
        if (data[0] === 0x2d && data[1] === 0x2d) {
          this.reading = 'end';
          break;
        }
        const end = data.indexOf(HEADER_END);
        if (end === -1) {
          if (data.length > MAX_HEADER_BYTES) throw new BadRequestException('multipart: the headers of a part are too large');
          break;
        }
        this.reading = this.partKind(data.subarray(0, end).toString('latin1'));
        data = data.subarray(end + HEADER_END.length);
        continue;
      }
      const at = data.indexOf(this.delimiter);
      // Without a delimiter, all but its possible beginning is the part's.
      const taken = at === -1 ? Math.max(0, data.length - this.delimiter.length + 1) : at;
      if (this.reading === 'text') this.countText(taken);
      if (at === -1) {
        data = data.subarray(taken);
        break;
      }
      data = data.subarray(at + this.delimiter.length);
      this.reading = 'headers';
    }
    this.pending = this.reading === 'end' ? Buffer.alloc(0) : Buffer.from(data);
  }

  /** As busboy tells them: a part with a filename, or of type application/octet-stream, is a file. */
  private partKind(headers: string): Reading {
    const disposition = /^content-disposition:[ \t]*form-data(.*)$/im.exec(headers)?.[1];
    if (disposition === undefined) return 'preamble';
    const isFile = /;[ \t]*filename\*?=/i.test(disposition) || /^content-type:[ \t]*application\/octet-stream/im.test(headers);
    if (isFile) return 'file';
    const name = /;[ \t]*name=(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
    const field = name?.[1] ?? name?.[2];
    if (field === undefined || !this.limits.fields.has(field)) {
      // As the validator words it for a JSON body (src/api/validation/schema-error-message.ts).
      throw new BadRequestException(`unknown field '${field ?? ''}': a run request's form has ${[...this.limits.fields].join(', ')}`);
    }
    return 'text';
  }

  private countText(bytes: number): void {
    this.textBytes += bytes;
    if (this.textBytes > this.limits.maxTextBytes) {
      throw new PayloadTooLargeException(
        `the form fields of one request are larger than ${this.limits.maxTextBytes} bytes in all (WES_MAX_BODY_BYTES)`,
      );
    }
  }
}
