import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { type Clock, systemClock } from '../core/clock.js';
import { MagnaError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { type Principal, SYSTEM_ROLES, type SystemRole } from '../core/principal.js';
import { validateNamespace } from '../knowledge/namespaces.js';
import { SCRYPT_CONCURRENCY, Slots } from './scrypt-slots.js';
import type { ApiKeyRecord, SecurityStore } from './store-port.js';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

/**
 * scrypt cost N=2^14, r=8, p=1: ~16 MiB and ~40 ms per hash on one core — slow enough to make a
 * stolen database's keys costly to brute-force. Paid once per key per process thanks to the
 * verified-key cache below, not once per request.
 */
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;
/** Bounds the verified-key cache; past it the cache is cleared (keys then pay one scrypt again). */
const CACHE_LIMIT = 10_000;
/** last_used_at is written at most once a minute per key, not once per request. */
const TOUCH_INTERVAL_MS = 60_000;
/** Id of the admin key taken from config (MAGNA_ADMIN_KEY), whose text has no id inside it. */
export const CONFIG_ADMIN_KEY_ID = 'key_admin_config';

const KEY_FORMAT = /^mgk\.(key_[0-9A-Z]{26})\.([A-Za-z0-9_-]{43})$/;

export type KeyStatus = 'active' | 'expired' | 'revoked';

/** A key as shown to people: never its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: SystemRole;
  namespaces: string[] | null;
  status: KeyStatus;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface NewKeyOptions {
  role: SystemRole;
  name?: string;
  namespaces?: string[];
  expiresAt?: number;
  createdBy: string;
}

export type AuthenticatedPrincipal = Principal & { keyId: string; via: 'key' | 'token' };

/** API keys: created with a role, shown once, stored as a salted scrypt hash, listable, revocable. */
export class KeyService {
  /**
   * keyId → SHA-256 of the key text last verified with scrypt. A request pays one SHA-256 and
   * one indexed read of the key's row (which carries revocation and expiry, so a revocation by
   * any process — the CLI beside a running server — takes effect on the next request); scrypt
   * runs only for a key text this process has not verified before. Revoking through this
   * service also drops the entry at once.
   */
  private readonly verified = new Map<string, Buffer>();
  private readonly touched = new Map<string, number>();
  /** Immutable part of key rows (role, namespaces, salt, hash, expiry), by id. */
  private readonly records = new Map<string, ApiKeyRecord>();
  /** This loop turn's revoked_at reads, by key id (see revokedAt). */
  private readonly revocations = new Map<string, Promise<number | null | undefined>>();
  /** Digests of key texts that failed scrypt, so a client repeating a wrong key costs no more scrypt. */
  private readonly rejected = new Set<string>();
  private readonly scryptSlots = new Slots(SCRYPT_CONCURRENCY);

  constructor(
    private readonly store: SecurityStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(options: NewKeyOptions): Promise<{ key: string; record: ApiKeyView }> {
    const id = newId('key');
    const secret = randomBytes(32).toString('base64url');
    const key = `mgk.${id}.${secret}`;
    const record = await this.insert(id, key, options);
    return { key, record };
  }

  async list(): Promise<ApiKeyView[]> {
    const now = this.clock.now();
    return (await this.store.listKeys()).map((r) => toView(r, now));
  }

  async get(id: string): Promise<ApiKeyView> {
    const record = await this.store.getKey(id);
    if (!record)
      throw new MagnaError('NOT_FOUND', `API key ${id} does not exist.`, { details: { keyId: id } });
    return toView(record, this.clock.now());
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const record = await this.store.revokeKey(id, this.clock.now());
    this.revocations.delete(id);
    this.verified.delete(id);
    this.records.delete(id);
    if (!record)
      throw new MagnaError('NOT_FOUND', `API key ${id} does not exist.`, { details: { keyId: id } });
    return toView(record, this.clock.now());
  }

  /**
   * The key's row if it is usable now (neither revoked nor expired). Everything but revocation is
   * immutable, so the row is cached and only revoked_at is read per call: one integer from the
   * primary-key index, which is what keeps revocation by another process immediate.
   */
  async active(id: string): Promise<ApiKeyRecord | null> {
    const revokedAt = await this.revokedAt(id);
    let record = this.records.get(id);
    if (
      revokedAt === undefined ||
      revokedAt !== null ||
      (record?.expiresAt != null && record.expiresAt <= this.clock.now())
    ) {
      this.verified.delete(id);
      this.records.delete(id);
      return null;
    }
    if (!record) {
      const loaded = await this.store.getKey(id);
      if (!loaded || statusOf(loaded, this.clock.now()) !== 'active') return null;
      if (this.records.size >= CACHE_LIMIT) this.records.clear();
      this.records.set(id, loaded);
      record = loaded;
    }
    return record;
  }

  /**
   * revoked_at of a key, read at most once per key per turn of the event loop: requests that
   * authenticate in the same turn share one read (they are concurrent with any revocation made
   * meanwhile), and the next turn reads again. The read was ~6% of a POST /missions' CPU in the
   * API benchmark's profile (each one opens a WAL read transaction), ~2.5% with 10 clients sharing.
   */
  private revokedAt(id: string): Promise<number | null | undefined> {
    let read = this.revocations.get(id);
    if (!read) {
      if (this.revocations.size === 0) setImmediate(() => this.revocations.clear());
      read = this.store.keyRevokedAt(id);
      this.revocations.set(id, read);
    }
    return read;
  }

  /**
   * True when this exact key text was verified by scrypt before (and not revoked since in this
   * process): a key id under a flood of wrong secrets still lets its real holder in.
   */
  knownGood(presented: string): boolean {
    const id = KEY_FORMAT.exec(presented)?.[1];
    const cached = id ? this.verified.get(id) : undefined;
    return cached !== undefined && timingSafeEqual(cached, createHash('sha256').update(presented).digest());
  }

  /** Returns the principal of a valid key text, or null for anything else. */
  async verify(presented: string): Promise<AuthenticatedPrincipal | null> {
    if (presented.length > 512) return null;
    const id = KEY_FORMAT.exec(presented)?.[1] ?? CONFIG_ADMIN_KEY_ID;
    const record = await this.active(id);
    if (!record) return null;
    const digest = createHash('sha256').update(presented).digest();
    const cached = this.verified.get(id);
    if (!cached || !timingSafeEqual(cached, digest)) {
      const hex = digest.toString('hex');
      if (this.rejected.has(hex)) return null;
      const hash = await this.scryptSlots.run(() => scrypt(presented, record.salt, HASH_BYTES, SCRYPT));
      if (!timingSafeEqual(hash, record.hash)) {
        if (this.rejected.size >= CACHE_LIMIT) this.rejected.clear();
        this.rejected.add(hex);
        return null;
      }
      if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
      this.verified.set(id, digest);
    }
    const now = this.clock.now();
    if (now - (this.touched.get(id) ?? 0) >= TOUCH_INTERVAL_MS) {
      this.touched.set(id, now);
      await this.store.touchKey(id, now);
    }
    return principalOf(record, 'key');
  }

  /**
   * First start: when no active admin key exists, creates one — from `configured`
   * (MAGNA_ADMIN_KEY) if given, else a random one whose text is returned to be printed once.
   */
  async ensureAdmin(
    configured?: string,
  ): Promise<{ created: false } | { created: true; key: string | null; id: string }> {
    if ((await this.store.countActiveKeys('admin', this.clock.now())) > 0) return { created: false };
    if (configured) {
      if (await this.store.getKey(CONFIG_ADMIN_KEY_ID)) {
        // An earlier config admin key was revoked or expired: a new random key, never a resurrection.
        const made = await this.create({ role: 'admin', name: 'admin', createdBy: 'system' });
        return { created: true, key: made.key, id: made.record.id };
      }
      this.rejected.clear();
      await this.insert(CONFIG_ADMIN_KEY_ID, configured, {
        role: 'admin',
        name: 'admin (from config)',
        createdBy: 'system',
      });
      return { created: true, key: null, id: CONFIG_ADMIN_KEY_ID };
    }
    const made = await this.create({ role: 'admin', name: 'admin', createdBy: 'system' });
    return { created: true, key: made.key, id: made.record.id };
  }

  private async insert(id: string, key: string, options: NewKeyOptions): Promise<ApiKeyView> {
    if (!(SYSTEM_ROLES as readonly string[]).includes(options.role)) {
      throw new MagnaError(
        'INVALID_ARGUMENT',
        `Unknown role ${options.role}; one of ${SYSTEM_ROLES.join(', ')}.`,
        {
          details: { field: 'role' },
        },
      );
    }
    for (const ns of options.namespaces ?? []) validateNamespace(ns);
    const now = this.clock.now();
    if (
      options.expiresAt !== undefined &&
      (!Number.isInteger(options.expiresAt) || options.expiresAt <= now)
    ) {
      throw new MagnaError('INVALID_ARGUMENT', 'A key must expire in the future.', {
        details: { field: 'expiresAt' },
      });
    }
    const salt = randomBytes(16);
    const record: ApiKeyRecord = {
      id,
      name: options.name ?? options.role,
      role: options.role,
      namespaces:
        options.namespaces && options.namespaces.length > 0 ? [...new Set(options.namespaces)] : null,
      salt,
      hash: await scrypt(key, salt, HASH_BYTES, SCRYPT),
      createdAt: now,
      createdBy: options.createdBy,
      expiresAt: options.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.insertKey(record);
    return toView(record, now);
  }
}

export function statusOf(record: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now: number): KeyStatus {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt !== null && record.expiresAt <= now) return 'expired';
  return 'active';
}

export function principalOf(record: ApiKeyRecord, via: 'key' | 'token'): AuthenticatedPrincipal {
  return {
    id: `key:${record.id}`,
    role: record.role,
    keyId: record.id,
    via,
    ...(record.namespaces ? { namespaces: record.namespaces } : {}),
  };
}

function toView(record: ApiKeyRecord, now: number): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    namespaces: record.namespaces,
    status: statusOf(record, now),
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    lastUsedAt: record.lastUsedAt,
  };
}

/** Parses `30d`, `12h`, `45m`, `90s` (relative to now) or an ISO date into epoch ms. */
export function parseExpiry(text: string, now: number): number {
  const relative = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[relative[2] as 's'];
    return now + Number(relative[1]) * unit;
  }
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || Number.isNaN(at)) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `Expiry "${text}" is neither a duration (30d, 12h, 45m) nor an ISO date.`,
      {
        details: { field: 'expires' },
      },
    );
  }
  return at;
}

/** The plain principal recorded on work submitted through a key or token (no credential details). */
export function actorOf(principal: AuthenticatedPrincipal): Principal {
  return principal.namespaces === undefined
    ? { id: principal.id, role: principal.role }
    : { id: principal.id, role: principal.role, namespaces: [...principal.namespaces] };
}
