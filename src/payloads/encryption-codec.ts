/**
 * Encryption of payloads at rest (docs/design.md, "Large payloads"): each payload, metadata
 * included, becomes AES-256-GCM ciphertext under the current key, named in the payload's metadata
 * so that older keys keep decoding what they encrypted after a rotation. It runs before the claim
 * check, so Temporal's history and the blob directory both hold only ciphertext.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PayloadKey } from './payload-keys';

/** The names Temporal's samples use, which its tools recognise. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PayloadMessage = temporal.api.common.v1.Payload;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  /** `keys[0]` encrypts; every key decrypts what it encrypted. */
  constructor(private readonly keys: PayloadKey[]) {
    if (keys.length === 0) throw new Error('the encryption codec needs at least one key');
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0];
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv);
      // The key id is authenticated too: a payload moved under another id does not decrypt.
      cipher.setAAD(Buffer.from(id));
      const sealed = Buffer.concat([iv, cipher.update(PayloadMessage.encode(payload).finish()), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8Encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8Encoder.encode(id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const keyId = payload.metadata?.[KEY_ID_METADATA];
    const id = keyId ? utf8Decoder.decode(keyId) : '';
    const key = this.byId.get(id);
    if (!key) throw new Error(`payload encrypted with key '${id}', which is not among the configured payload keys (WES_PAYLOAD_KEYS)`);
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error(`encrypted payload of ${sealed.length} bytes is too short to be one`);
    const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return PayloadMessage.decode(
        Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]),
      );
    } catch {
      throw new Error(`payload encrypted with key '${id}' does not decrypt: it was altered, or the key is not the one that encrypted it`);
    }
  }
}

function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding != null && utf8Decoder.decode(encoding) === ENCRYPTED_ENCODING;
}
