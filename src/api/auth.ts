import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MagnaError } from '../core/errors.js';
import type { EventHub } from '../core/events.js';
import type { AuthenticatedPrincipal } from '../security/keys.js';
import { authorize } from '../security/permissions.js';
import type { SecurityService } from '../security/service.js';
import type { AuditOutcome } from '../security/store-port.js';
import { AuthFailureAudit } from './auth-failure-audit.js';
import { AuthThrottle, presentedKeyId } from './auth-throttle.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The credential of a request: a Bearer key or token, or (where the route allows) Basic or `?access_token=`. */
function credentialOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const config = request.routeOptions.config ?? {};
  if (typeof header === 'string' && header.length > 0) {
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const value = space > 0 ? header.slice(space + 1).trim() : '';
    if (scheme === 'bearer' && value) return value;
    // Basic only on safe methods: a browser replays it on its own, so it must never authorise a change.
    if (scheme === 'basic' && value && config.basicAuth && SAFE_METHODS.has(request.method)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 ? decoded.slice(colon + 1) : null;
    }
    throw new MagnaError('AUTH_INVALID', 'The Authorization header must be "Bearer <key or token>".');
  }
  if (config.queryToken) {
    const token = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof token === 'string' && token.length > 0) return token;
  }
  return null;
}

/**
 * Authentication and authorisation for every route but the public one, before the body is read:
 * an unauthenticated request gets 401 (also on unknown paths, so they reveal nothing), a role
 * without the route's permission 403. The principal is kept on the request for handlers,
 * rate limiting and the audit record.
 */
export function installAuth(
  app: FastifyInstance,
  security: SecurityService,
  events: EventHub,
  throttle: AuthThrottle = new AuthThrottle(),
): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('errorCode', null);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config ?? {};
    if (config.permission === null) return;
    const credential = credentialOf(request);
    if (credential === null) {
      events.emit('security:auth-failed', { reason: 'no credentials', ip: request.ip });
      throw new MagnaError(
        'AUTH_REQUIRED',
        'This endpoint needs an API key or session token: "Authorization: Bearer <key>".',
      );
    }
    // Throttled before any key is checked, so a refused request costs no scrypt. A key text
    // already verified costs none either and passes: its holder is not locked out by a flood.
    const keyId = presentedKeyId(credential);
    if (!security.keys.knownGood(credential)) throttle.check(request.ip, keyId);
    const principal: AuthenticatedPrincipal | null = await security.authenticate(credential);
    if (!principal) {
      throttle.failed(request.ip, keyId);
      events.emit('security:auth-failed', {
        reason: 'unknown, expired or revoked credentials',
        ip: request.ip,
      });
      throw new MagnaError('AUTH_INVALID', 'The key or token is unknown, expired or revoked.');
    }
    request.principal = principal;
    // Unknown paths have no permission: any valid principal then gets the 404.
    if (config.permission) authorize(principal, config.permission);
  });
}

/**
 * Audits every request that changes something and every authentication or authorisation
 * failure, before the response leaves (onSend), so a client that saw a response can find its
 * record. Reads that succeed are not audited: they would drown the log.
 */
export function installAudit(app: FastifyInstance, security: SecurityService): void {
  const failures = new AuthFailureAudit(security.audit, (error) =>
    app.log.error({ err: error }, 'audit record could not be written'),
  );
  app.addHook('onClose', () => failures.close());
  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    const mutating = !SAFE_METHODS.has(request.method);
    if (!request.principal && (status === 401 || status === 429)) {
      // Unauthenticated failures are aggregated per address and window (a flood cannot fill the disk).
      await failures.note({
        ip: request.ip,
        action: request.routeOptions.config?.operationId ?? `${request.method} (unknown route)`,
        target: `${request.method} ${request.url.split('?')[0]!.slice(0, 512)}`,
        outcome: status === 401 ? 'auth-failed' : 'rate-limited',
        status,
        requestId: request.id,
        ...(request.errorCode ? { error: request.errorCode } : {}),
      });
      return payload;
    }
    if (!mutating && status !== 401 && status !== 403) return payload;
    const outcome: AuditOutcome =
      status === 401
        ? 'auth-failed'
        : status === 403
          ? 'denied'
          : status === 429
            ? 'rate-limited'
            : status < 400
              ? 'ok'
              : 'failed';
    const principal = request.principal;
    try {
      await security.audit.record({
        actor: principal?.id ?? 'anonymous',
        role: principal?.role ?? null,
        action: request.routeOptions.config?.operationId ?? `${request.method} (unknown route)`,
        // The path only: query strings may carry an access token.
        target: `${request.method} ${request.url.split('?')[0]!.slice(0, 512)}`,
        ip: request.ip ?? null,
        outcome,
        status,
        details: { requestId: request.id, ...(request.errorCode ? { error: request.errorCode } : {}) },
      });
    } catch (error) {
      request.log.error({ err: error }, 'audit record could not be written');
    }
    return payload;
  });
}
