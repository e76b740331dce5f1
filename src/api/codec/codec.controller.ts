/**
 * The Temporal Web UI's remote codec (its "codec server" protocol): the UI posts the payloads of a
 * history as {payloads: [{metadata, data}]}, base64 throughout, and shows what comes back. Decoding
 * reveals runs' inputs and outputs, so it takes the admin scope when auth is on
 * (docs/deployment.md, "Payload encryption").
 */
import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { describeIssues } from '../../../activities/schema-issues';
import type { Config } from '../../config/config';
import { createPayloadCodecs, payloadBlobDir } from '../../payloads/data-converter';
import { RequireScope } from '../auth/require-scope.decorator';
import { CONFIG } from '../core/tokens';
import { CODEC_PATH, CODEC_ROUTES } from './codec-routes';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'expected base64' });
const codecRequest = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })),
});

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

@Controller(CODEC_PATH)
@RequireScope('admin')
export class CodecController {
  private readonly codecs: PayloadCodec[];

  constructor(@Inject(CONFIG) config: Config) {
    this.codecs = createPayloadCodecs(payloadBlobDir(config.dataDir), { keys: config.payloadKeys });
  }

  /**
   * Each payload decoded on its own, in the order the SDK decodes; one that cannot be (a blob
   * deleted with its run, a key no longer configured) comes back as it was, so the rest still show.
   */
  @Post(CODEC_ROUTES.decode)
  @HttpCode(200)
  async decode(@Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    const payloads = parse(body).map(async (payload) => {
      try {
        let decoded = [payload];
        for (const codec of [...this.codecs].reverse()) decoded = await codec.decode(decoded);
        return decoded[0];
      } catch {
        return payload;
      }
    });
    return { payloads: (await Promise.all(payloads)).map(toJson) };
  }

  /** What the UI sends to a workflow (a signal's input): encoded as the API's client would, owned by no run. */
  @Post(CODEC_ROUTES.encode)
  @HttpCode(200)
  async encode(@Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    let payloads = parse(body);
    for (const codec of this.codecs) payloads = await codec.encode(payloads);
    return { payloads: payloads.map(toJson) };
  }
}

function parse(body: unknown): Payload[] {
  const result = codecRequest.safeParse(body);
  if (!result.success)
    throw new BadRequestException(`expected {"payloads": [{"metadata": {…}, "data": "…"}]} in base64: ${describeIssues(result.error)}`);
  return result.data.payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  }));
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}
