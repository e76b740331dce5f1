/**
 * Who may call the API, as configuration: static API keys (WES_API_KEYS), JWTs checked against a
 * JWKS (WES_JWT_*), or an API opened on purpose (WES_AUTH=off). Parsed by the schema of
 * src/config/config.ts; the rule of when auth is required is `authEnabled` (docs/deployment.md, "Security").
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** What a caller may do: read runs, submit and act on its runs, or everything on every run. */
export const SCOPES = ['runs:read', 'runs:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  key: string;
  owner: string;
  scopes: Scope[];
}

export interface JwtConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** The claim that names the caller's owner. */
  ownerClaim: string;
}

export interface AuthConfig {
  /** WES_AUTH=off: the operator opened the API on purpose. */
  off: boolean;
  apiKeys: ApiKey[];
  jwt?: JwtConfig;
  /** Where callers learn how to get a token (service-info's auth_instructions_url); else the API docs. */
  instructionsUrl?: string;
}

/** A key shorter than this could be guessed; operators make them with e.g. `openssl rand -hex 32`. */
export const MIN_API_KEY_LENGTH = 16;

const isScope = (scope: string): scope is Scope => (SCOPES as readonly string[]).includes(scope);

/**
 * `key=owner:scope+scope,key2=owner2:scope`. Messages name an entry by its position and owner,
 * never by its key, which is a secret.
 */
export const apiKeys = z.string().transform((spec, context) => {
  const keys: ApiKey[] = [];
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const problem = entryProblem(entry, keys);
    if (problem) context.issues.push({ code: 'custom', message: `entry ${index + 1}${problem}`, input: '(not shown: it holds secrets)' });
  });
  return keys;
});

/** What is wrong with one entry (after its position), or undefined once it is added to `keys`. */
function entryProblem(entry: string, keys: ApiKey[]): string | undefined {
  // The owner holds no '=': a key may (base64 padding).
  const match = /^(\S+)=([^=:\s]+):(\S+)$/.exec(entry);
  if (!match) return `: expected key=owner:scope+scope (scopes: ${SCOPES.join(', ')})`;
  const [, key, owner, scopeList] = match;
  const scopes = scopeList.split('+');
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length > 0) return ` (owner ${owner}): unknown scope ${unknown.join(', ')}; expected ${SCOPES.join(', ')}`;
  if (key.length < MIN_API_KEY_LENGTH) return ` (owner ${owner}): the key is shorter than ${MIN_API_KEY_LENGTH} characters`;
  if (keys.some((known) => known.key === key)) return ` (owner ${owner}): the same key as an earlier entry`;
  keys.push({ key, owner, scopes: scopes as Scope[] });
  return undefined;
}

/** The auth variables of the environment, as src/config/config.ts's schema parsed them. */
export interface AuthVariables {
  WES_AUTH?: 'off';
  WES_API_KEYS?: ApiKey[];
  WES_JWT_JWKS_URL?: string;
  WES_JWT_ISSUER?: string;
  WES_JWT_AUDIENCE?: string;
  WES_JWT_OWNER_CLAIM?: string;
  WES_AUTH_INSTRUCTIONS_URL?: string;
}

/** What the variables say together, or what contradicts in them. */
export function authConfig(vars: AuthVariables): { auth: AuthConfig; problems: string[] } {
  const { WES_JWT_JWKS_URL: jwksUrl, WES_JWT_ISSUER: issuer, WES_JWT_AUDIENCE: audience, WES_JWT_OWNER_CLAIM: ownerClaim } = vars;
  const problems: string[] = [];
  if (jwksUrl) {
    // Without both, a token any tenant of the same identity provider got would be accepted.
    if (!issuer) problems.push('WES_JWT_ISSUER: required with WES_JWT_JWKS_URL');
    if (!audience) problems.push('WES_JWT_AUDIENCE: required with WES_JWT_JWKS_URL');
  } else {
    for (const [name, value] of Object.entries({ WES_JWT_ISSUER: issuer, WES_JWT_AUDIENCE: audience, WES_JWT_OWNER_CLAIM: ownerClaim })) {
      if (value !== undefined) problems.push(`${name}: has no effect without WES_JWT_JWKS_URL`);
    }
  }
  const apiKeyList = vars.WES_API_KEYS ?? [];
  if (vars.WES_AUTH === 'off' && (apiKeyList.length > 0 || jwksUrl))
    problems.push('WES_AUTH: off contradicts the WES_API_KEYS or WES_JWT_JWKS_URL also given');
  const jwt = jwksUrl && issuer && audience ? { jwksUrl, issuer, audience, ownerClaim: ownerClaim ?? 'sub' } : undefined;
  return { auth: { off: vars.WES_AUTH === 'off', apiKeys: apiKeyList, jwt, instructionsUrl: vars.WES_AUTH_INSTRUCTIONS_URL }, problems };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** No DATABASE_URL (the start command's embedded PostgreSQL) and an API on loopback: one machine, one user. */
export const isEmbeddedDefault = (config: { databaseUrl?: string; apiHost: string }) => !config.databaseUrl && isLoopback(config.apiHost);

/**
 * Whether the API asks callers who they are. Configured credentials turn it on anywhere; without
 * any, it is off only on the embedded default or when WES_AUTH=off says so. Anything else is an
 * API open to whoever reaches it by mistake, and is refused.
 */
export function authEnabled(config: { auth: AuthConfig; databaseUrl?: string; apiHost: string }): boolean {
  if (config.auth.apiKeys.length > 0 || config.auth.jwt) return true;
  if (config.auth.off || isEmbeddedDefault(config)) return false;
  throw new Error(
    'no authentication is configured, and this is not the embedded default (no DATABASE_URL, WES_API_HOST on loopback): ' +
      'set WES_API_KEYS (key=owner:scope+scope,...) or WES_JWT_JWKS_URL with WES_JWT_ISSUER and WES_JWT_AUDIENCE; ' +
      'or set WES_AUTH=off to let anyone who reaches the API use it (docs/deployment.md, "Security")',
  );
}
