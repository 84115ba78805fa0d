import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { type Clock, systemClock } from '../core/clock.js';
import { MagnaError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Encryptor } from './encryption.js';
import { type AuthenticatedPrincipal, type KeyService, principalOf } from './keys.js';
import type { SecurityStore } from './store-port.js';

const ISSUER = 'magnatronic';
const SECRET_SETTING = 'token_secret';
/** A JWS compact serialisation: three base64url parts, the header starting `{"` (`eyJ`). */
const JWT_SHAPE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

export function looksLikeJwt(text: string): boolean {
  return text.length < 4096 && JWT_SHAPE.test(text);
}

/**
 * Short-lived session tokens for the dashboard: HS256 JWTs obtained with an API key. The signing
 * secret is 32 random bytes made on first use and kept in the database (encrypted when an
 * encryption key is configured), so every process sharing the database accepts the same tokens.
 * A token names its key (`kid` claim); verification re-reads the key, so revoking a key ends
 * its tokens at once, and a token never outlives its key's expiry.
 */
export class TokenService {
  private secret: Uint8Array | undefined;

  constructor(
    private readonly store: SecurityStore,
    private readonly keys: KeyService,
    private readonly encryptor: Encryptor,
    private readonly ttlSeconds: number,
    private readonly clock: Clock = systemClock,
  ) {}

  async issue(principal: AuthenticatedPrincipal): Promise<{ token: string; expiresAt: number }> {
    const record = await this.keys.active(principal.keyId);
    if (!record) throw new MagnaError('AUTH_INVALID', 'The key is unknown, expired or revoked.');
    const now = this.clock.now();
    const expiresAt = Math.min(now + this.ttlSeconds * 1000, record.expiresAt ?? Number.MAX_SAFE_INTEGER);
    const token = await new SignJWT({ role: record.role, kid: record.id })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(principal.id)
      .setJti(newId('tok'))
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(await this.signingSecret());
    return { token, expiresAt: Math.floor(expiresAt / 1000) * 1000 };
  }

  /** The principal of a valid, unexpired token whose key is still active; null otherwise. */
  async verify(token: string): Promise<AuthenticatedPrincipal | null> {
    let kid: unknown;
    try {
      const { payload } = await jwtVerify(token, await this.signingSecret(), {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp', 'sub'],
      });
      kid = payload.kid;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
    if (typeof kid !== 'string') return null;
    const record = await this.keys.active(kid);
    return record ? principalOf(record, 'token') : null;
  }

  private async signingSecret(): Promise<Uint8Array> {
    if (!this.secret) {
      const fresh = this.encryptor.encryptText(randomBytes(32).toString('base64'));
      const stored = await this.store.putSettingIfAbsent(SECRET_SETTING, fresh);
      this.secret = Buffer.from(this.encryptor.decryptText(stored), 'base64');
    }
    return this.secret;
  }
}
