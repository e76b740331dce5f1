/**
 * One file of this host as the answer, by @fastify/send: a single byte range (206,
 * `Content-Range`; 416 when it is not within the file; a malformed or multiple range gets the
 * whole file, as RFC 9110 allows), `Accept-Ranges`, `Content-Type` from the extension,
 * `Content-Length`, `ETag`, `Last-Modified` and conditional requests (304).
 */
import send from '@fastify/send';
import { HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

export async function sendLocalFile(file: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // send reads its path as a URL path (decoding it): the file's name is encoded as one. The file was
  // checked to lie in the run's outputs: a dot in its path is a name, not a secret.
  const { statusCode, headers, stream, type, metadata } = await send(request.raw, encodeURI(file), { dotfiles: 'allow', index: false });
  if (type !== 'error') {
    reply.code(statusCode).headers(headers);
    return void reply.send(stream);
  }
  // Its page for the error (HTML) is not the answer: an ErrorResponse is.
  stream.destroy();
  if (statusCode === (HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE as number)) {
    // `bytes */<size>`: where the file ends.
    if (headers['Content-Range']) reply.header('Content-Range', headers['Content-Range']);
    throw new HttpException(
      `the range ${request.headers.range ?? '(none)'} is not within the file`,
      HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
    );
  }
  // Removed since it was found.
  if (statusCode === (HttpStatus.NOT_FOUND as number)) throw new NotFoundException('no such output');
  throw metadata.error;
}
