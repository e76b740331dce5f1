import { createHash, randomUUID } from 'node:crypto';

/** The UUID namespace of durable-wes idempotency keys (RFC 9562 §5.5: any fixed UUID). */
const IDEMPOTENCY_NAMESPACE = Buffer.from('5b0f1b7e8c6a4d0e9a53c1d2e3f4a5b6', 'hex');

/**
 * The run id of a submission: random, or, with an Idempotency-Key (printable ASCII, as the API's
 * document requires of it), a UUIDv5 of the owner and the key, so that a retried POST names the
 * same run (and the same workflow id) again.
 */
export function runIdFor(idempotencyKey: string | undefined, owner: string | undefined): string {
  if (idempotencyKey === undefined) return `run-${randomUUID()}`;
  // NUL cannot occur in either part, so distinct (owner, key) pairs hash distinct names.
  const hash = createHash('sha1').update(IDEMPOTENCY_NAMESPACE).update(`${owner ?? ''}\0${idempotencyKey}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `run-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
