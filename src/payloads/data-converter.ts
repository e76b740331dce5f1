/**
 * The data converter of every Temporal client and worker of durable-wes: the default payload
 * conversion plus the claim-check codec, so that large values bypass Temporal's payload limits.
 * API and worker processes must share the blob directory, hence one place that names it.
 */
import type { DataConverter } from '@temporalio/common';
import path from 'node:path';
import { ContentAddressedStore } from './blob-store';
import { ClaimCheckCodec } from './claim-check-codec';

export function payloadBlobDir(dataDir: string): string {
  return path.join(dataDir, 'payloads');
}

export function createDataConverter(blobDir: string, options: { thresholdBytes?: number } = {}): DataConverter {
  return { payloadCodecs: [new ClaimCheckCodec(new ContentAddressedStore(blobDir), options)] };
}
