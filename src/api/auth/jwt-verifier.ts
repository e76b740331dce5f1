/**
 * JWTs signed by an identity provider, checked against its JWKS (WES_JWT_*): signature, expiry,
 * issuer and audience by jose; the owner from the configured claim, scopes from `scope`
 * (space-separated, RFC 8693) or `scp` (an array, as some providers send).
 */
import { ServiceUnavailableException } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { SCOPES, type JwtConfig, type Scope } from '../../config/auth-config';
import type { Caller } from './caller';

/** Refused token: the message says why, for the 401. */
export class InvalidTokenError extends Error {}

/** Three base64url parts: only such a token is worth a signature check. */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

export class JwtVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: JwtConfig) {
    // jose caches the keys and fetches them again for a key id it does not know (rotation).
    this.jwks = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  async callerOf(token: string): Promise<Caller> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw this.refusal(err);
    }
    const owner = payload[this.config.ownerClaim];
    if (typeof owner !== 'string' || owner === '')
      throw new InvalidTokenError(`the token has no ${this.config.ownerClaim} claim naming its owner`);
    return { owner, scopes: scopesOf(payload) };
  }

  private refusal(err: unknown): Error {
    if (err instanceof errors.JWTExpired) return new InvalidTokenError('the token has expired');
    // A token without an expiry would be good for ever, were it ever leaked.
    if (err instanceof errors.JWTClaimValidationFailed && err.reason === 'missing')
      return new InvalidTokenError(`the token has no ${err.claim} claim`);
    if (err instanceof errors.JWTClaimValidationFailed) return new InvalidTokenError(`the token's ${err.claim} claim is not accepted here`);
    // jose's generic error is only that of an answer of the JWKS server that is no key set.
    if (
      !(err instanceof errors.JOSEError) ||
      err.code === errors.JOSEError.code ||
      err instanceof errors.JWKSTimeout ||
      err instanceof errors.JWKSInvalid
    ) {
      // No key to check with: the identity provider is unreachable, not the token wrong.
      return new ServiceUnavailableException('the identity provider’s keys (WES_JWT_JWKS_URL) are unavailable; try again later', {
        cause: err,
      });
    }
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed)
      return new InvalidTokenError('the token’s signature does not verify');
    return new InvalidTokenError(`the token is invalid (${err.code})`);
  }
}

function scopesOf(payload: JWTPayload): Scope[] {
  const { scope, scp } = payload;
  const given = typeof scope === 'string' ? scope.split(' ') : Array.isArray(scp) ? scp : typeof scp === 'string' ? scp.split(' ') : [];
  return SCOPES.filter((known) => given.includes(known));
}
