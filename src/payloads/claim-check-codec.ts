/**
 * Temporal rejects a payload over 2 MB (and warns from 256 KB), yet WES runs arrive with
 * multi-megabyte workflow_params and may produce outputs as large. This codec applies the
 * claim-check pattern: a payload above the threshold is stored in a blob store and travels
 * through Temporal as a small claim check naming the blob; decode swaps the blob back in.
 *
 * Blobs are content-addressed, so a retried start, an activity retry or a continue-as-new carrying
 * the same value reuse the blob instead of writing another. Each blob is referenced by the workflow
 * whose payload it is, as the SDK's serialization context names it; deleting a run releases its
 * references, and a blob goes with the last one (docs/design.md, "Large payloads"). Tools without
 * this codec show the claim check rather than the value, unless they use the API's codec endpoint.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { ContentAddressedStore } from './blob-store';

export const CLAIM_CHECK_ENCODING = 'durable-wes/claim-check';

/** Half Temporal's warning size, so that several payloads just under it stay far from the 2 MB limit. */
export const DEFAULT_THRESHOLD_BYTES = 128 * 1024;

/** The data of a claim-check payload, as JSON. */
export interface ClaimCheck {
  sha256: string;
  /** Bytes of the stored blob. */
  size: number;
}

// The blob holds the whole Payload message, metadata included, so decode restores it exactly.
const PayloadMessage = temporal.api.common.v1.Payload;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class ClaimCheckCodec implements PayloadCodec {
  private readonly thresholdBytes: number;

  constructor(
    private readonly store: ContentAddressedStore,
    options: { thresholdBytes?: number } = {},
  ) {
    this.thresholdBytes = options.thresholdBytes ?? DEFAULT_THRESHOLD_BYTES;
  }

  /** `context`: whose payloads these are; a child's input is its own, an activity's its workflow's. */
  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.encodeOne(payload, context?.workflowId)));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  private async encodeOne(payload: Payload, owner: string | undefined): Promise<Payload> {
    const serialized = PayloadMessage.encode(payload).finish();
    // Small payloads stay as they are, so histories recorded before this codec decode unchanged.
    if (serialized.length <= this.thresholdBytes) return payload;
    const check: ClaimCheck = { sha256: await this.store.put(serialized, owner), size: serialized.length };
    return {
      metadata: { encoding: utf8Encoder.encode(CLAIM_CHECK_ENCODING) },
      data: utf8Encoder.encode(JSON.stringify(check)),
    };
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    if (!isClaimCheck(payload)) return payload;
    const check = JSON.parse(utf8Decoder.decode(payload.data ?? undefined)) as ClaimCheck;
    return PayloadMessage.decode(await this.store.get(check.sha256));
  }
}

export function isClaimCheck(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding != null && utf8Decoder.decode(encoding) === CLAIM_CHECK_ENCODING;
}
