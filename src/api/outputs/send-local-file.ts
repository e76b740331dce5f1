/**
 * One file of this host as the answer, by Express's sendFile (the `send` module): a single byte
 * range (206, `Content-Range`; 416 when it is not within the file; a malformed or multiple range
 * gets the whole file, as RFC 9110 allows), `Accept-Ranges`, `Content-Type` from the extension,
 * `Content-Length`, `ETag`, `Last-Modified` and conditional requests (304).
 */
import { HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
import type { Response } from 'express';

interface SendError extends Error {
  status?: number;
  code?: string;
  headers?: Record<string, string>;
}

export function sendLocalFile(file: string, response: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    // The file was checked to lie in the run's outputs: a dot in its path is a name, not a secret.
    response.sendFile(file, { dotfiles: 'allow' }, (err?: SendError) => {
      if (!err || err.code === 'ECONNABORTED' || response.headersSent) {
        resolve();
        return;
      }
      // What `send` set for the file would describe the ErrorResponse instead.
      for (const name of ['Content-Type', 'Content-Length', 'ETag', 'Last-Modified']) response.removeHeader(name);
      if (err.status === HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE) {
        for (const [name, value] of Object.entries(err.headers ?? {})) response.setHeader(name, value);
        reject(
          new HttpException(
            `the range ${response.req.get('range') ?? '(none)'} is not within the file`,
            HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
          ),
        );
        return;
      }
      // Removed since it was found.
      if (err.status === HttpStatus.NOT_FOUND) {
        reject(new NotFoundException('no such output'));
        return;
      }
      reject(err);
    });
  });
}
