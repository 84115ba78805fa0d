import { type Clock, systemClock } from '../core/clock.js';
import type { MagnaConfig } from '../core/config.js';
import type { EventHub } from '../core/events.js';
import { AuditLog } from './audit.js';
import type { Encryptor } from './encryption.js';
import { type AuthenticatedPrincipal, KeyService } from './keys.js';
import type { SecurityStore } from './store-port.js';
import { looksLikeJwt, TokenService } from './tokens.js';

/** The security module as the rest of the system sees it: keys, tokens, audit and encryption. */
export class SecurityService {
  readonly keys: KeyService;
  readonly tokens: TokenService;
  readonly audit: AuditLog;

  constructor(
    readonly store: SecurityStore,
    readonly encryption: Encryptor,
    events: EventHub,
    private readonly config: MagnaConfig['security'],
    clock: Clock = systemClock,
  ) {
    this.keys = new KeyService(store, clock);
    this.tokens = new TokenService(store, this.keys, encryption, config.tokenTtlSeconds, clock);
    this.audit = new AuditLog(store, events, clock);
  }

  /** An API key or a session token → its principal; null when unknown, expired or revoked. */
  authenticate(credential: string): Promise<AuthenticatedPrincipal | null> {
    return looksLikeJwt(credential) ? this.tokens.verify(credential) : this.keys.verify(credential);
  }

  /** First start: makes an admin key when none is active (see KeyService.ensureAdmin). */
  ensureAdmin(): ReturnType<KeyService['ensureAdmin']> {
    return this.keys.ensureAdmin(this.config.adminKey);
  }
}
