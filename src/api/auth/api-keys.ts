/** Static API keys (WES_API_KEYS), looked up without telling by timing how close a wrong key came. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../../config/auth-config';
import type { Caller } from './caller';

const digest = (key: string) => createHash('sha256').update(key).digest();

export class ApiKeys {
  private readonly keys: Array<{ digest: Buffer; caller: Caller }>;

  constructor(keys: ApiKey[]) {
    this.keys = keys.map(({ key, owner, scopes }) => ({ digest: digest(key), caller: { owner, scopes } }));
  }

  /** Compares against every key in constant time: equal-length digests, and no early exit. */
  callerOf(key: string): Caller | undefined {
    const given = digest(key);
    let found: Caller | undefined;
    for (const known of this.keys) if (timingSafeEqual(given, known.digest)) found = known.caller;
    return found;
  }
}
