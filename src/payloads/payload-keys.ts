/**
 * The keys of payload encryption (WES_PAYLOAD_KEYS, or WES_PAYLOAD_KEYS_FILE): `id:base64` entries
 * separated by commas or new lines, each key 32 random bytes (`openssl rand -base64 32`). The
 * first encrypts; all of them decrypt, so a new key goes first and old ones stay until no kept
 * history needs them (docs/deployment.md, "Payload encryption").
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeIssues } from '../../activities/schema-issues';

export interface PayloadKey {
  /** Written into each payload it encrypts. */
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/** Messages name an entry by its position and id, never by its key, which is a secret. */
export const payloadKeys = z.string().transform((spec, context) => {
  const keys: PayloadKey[] = [];
  const entries = spec
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry && !entry.startsWith('#'));
  if (entries.length === 0)
    context.issues.push({ code: 'custom', message: 'expected at least one id:base64-key entry', input: '(not shown)' });
  entries.forEach((entry, index) => {
    const problem = entryProblem(entry, keys);
    if (problem) context.issues.push({ code: 'custom', message: `entry ${index + 1}${problem}`, input: '(not shown: it holds secrets)' });
  });
  return keys;
});

function entryProblem(entry: string, keys: PayloadKey[]): string | undefined {
  const separator = entry.indexOf(':');
  const id = entry.slice(0, separator);
  const encoded = entry.slice(separator + 1);
  if (separator < 0 || !KEY_ID.test(id)) return ': expected id:base64-key, the id of up to 64 letters, digits, . _ -';
  const key = Buffer.from(encoded, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES)
    return ` (id ${id}): expected ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`;
  if (keys.some((known) => known.id === id)) return ` (id ${id}): the same id as an earlier entry`;
  keys.push({ id, key });
  return undefined;
}

/** WES_PAYLOAD_KEYS, or the same entries in the file WES_PAYLOAD_KEYS_FILE names. */
export function payloadKeysOf(vars: { WES_PAYLOAD_KEYS?: PayloadKey[]; WES_PAYLOAD_KEYS_FILE?: string }): {
  keys?: PayloadKey[];
  problems: string[];
} {
  const file = vars.WES_PAYLOAD_KEYS_FILE;
  if (file === undefined) return { keys: vars.WES_PAYLOAD_KEYS, problems: [] };
  if (vars.WES_PAYLOAD_KEYS !== undefined) return { problems: ['WES_PAYLOAD_KEYS and WES_PAYLOAD_KEYS_FILE: one or the other'] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [`WES_PAYLOAD_KEYS_FILE: cannot read ${file}: ${(err as Error).message}`] };
  }
  const result = payloadKeys.safeParse(text);
  return result.success
    ? { keys: result.data, problems: [] }
    : { problems: [`WES_PAYLOAD_KEYS_FILE (${file}): ${describeIssues(result.error)}`] };
}
