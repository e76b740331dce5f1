import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/** The UUID namespace of durable-wes idempotency keys (RFC 9562 §5.5: any fixed UUID). */
const IDEMPOTENCY_NAMESPACE = '5b0f1b7e-8c6a-4d0e-9a53-c1d2e3f4a5b6';

/**
 * The run id of a submission: random, or, with an Idempotency-Key (printable ASCII, as the API's
 * document requires of it), a UUIDv5 of the owner and the key, so that a retried POST names the
 * same run (and the same workflow id) again.
 */
export function runIdFor(idempotencyKey: string | undefined, owner: string | undefined): string {
  if (idempotencyKey === undefined) return `run-${randomUUID()}`;
  // NUL cannot occur in either part, so distinct (owner, key) pairs hash distinct names.
  return `run-${uuidv5(`${owner ?? ''}\0${idempotencyKey}`, IDEMPOTENCY_NAMESPACE)}`;
}
