/**
 * The data converter of every Temporal client and worker of durable-wes: JSON that keeps every
 * number exactly (payload-converter.ts), then encryption when keys are configured, then the claim-check codec, so that large
 * values bypass Temporal's payload limits (docs/design.md, "Large payloads"). API and worker
 * processes must share the blob directory and the keys, hence one place that names them.
 */
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import path from 'node:path';
import { ContentAddressedStore } from './blob-store';
import { ClaimCheckCodec } from './claim-check-codec';
import { EncryptionCodec } from './encryption-codec';
import type { PayloadKey } from './payload-keys';

export interface PayloadOptions {
  thresholdBytes?: number;
  /** Encrypt payloads at rest with these keys (the first encrypts); unset: no encryption. */
  keys?: PayloadKey[];
}

export function payloadBlobDir(dataDir: string): string {
  return path.join(dataDir, 'payloads');
}

/** In encoding order: the SDK encodes through them first to last and decodes last to first. */
export function createPayloadCodecs(blobDir: string, { thresholdBytes, keys }: PayloadOptions = {}): PayloadCodec[] {
  const claimCheck = new ClaimCheckCodec(new ContentAddressedStore(blobDir), { thresholdBytes });
  return keys?.length ? [new EncryptionCodec(keys), claimCheck] : [claimCheck];
}

/** A module, not a value: the workflow bundle carries it too (workflow-bundle.ts). */
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payload-converter');

export function createDataConverter(blobDir: string, options: PayloadOptions = {}): DataConverter {
  return { payloadConverterPath: PAYLOAD_CONVERTER_PATH, payloadCodecs: createPayloadCodecs(blobDir, options) };
}
