/**
 * A file whose bytes pass through this service (an output source's `stream` target) as the answer:
 * the client's range and conditions go to the source, and what it answers comes back, a redirect
 * for the client to follow, or the bytes with the headers that describe them.
 */
import type { Request, Response } from 'express';
import type { OutputTarget } from '../../../activities/providers/outputs/output-source';

export async function sendDownload(target: Extract<OutputTarget, { kind: 'stream' }>, request: Request, response: Response): Promise<void> {
  const abort = new AbortController();
  response.on('close', () => abort.abort());
  const answer = await target.open({
    method: request.method === 'HEAD' ? 'HEAD' : 'GET',
    header: (name) => request.get(name),
    signal: abort.signal,
  });
  if (answer.kind === 'redirect') {
    response.redirect(answer.url);
    return;
  }
  response.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  const { body } = answer;
  if (!body) return void response.end();
  await new Promise<void>((resolve) => {
    // A source that breaks off mid-file can only cut the answer short: its headers have gone.
    body
      .on('error', () => response.destroy())
      .pipe(response)
      .on('close', resolve);
  });
}
