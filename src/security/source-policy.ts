import { lookup as dnsLookup } from 'node:dns/promises';
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import type { MagnaConfig } from '../core/config.js';
import type { Principal } from '../core/principal.js';

/**
 * Which sources a skill may fetch or read, decided before any byte is requested.
 *
 * The local CLI user is the machine's operator: any http(s) URL and any local path. An API caller
 * gets public http(s) only: every address a host name resolves to must be global unicast, checked
 * again at connect time (the fetcher's connector asks `resolveForConnect`, so a name that
 * rebinds between check and connect is still refused) and on every redirect hop. Local paths
 * are read for API callers only under admin-configured roots, compared on the real path so a
 * symlink cannot lead outside. A host on `allowHosts` is trusted by the admin whatever its
 * addresses; a host on `denyHosts` is refused to everyone.
 */
export interface SourcePolicyOptions {
  /** True for the local CLI user and the node's own work; false for API callers. */
  trusted: boolean;
  localRoots?: readonly string[];
  /** Host names (`example.org`, `.example.org` for subdomains too, `host:port`) trusted by the admin. */
  allowHosts?: readonly string[];
  /** Host names refused to everyone, same forms as `allowHosts`. */
  denyHosts?: readonly string[];
  /** Resolves a host name to its addresses; tests inject one. Default: the system resolver. */
  resolver?: (hostname: string) => Promise<string[]>;
}

export type SourceVerdict = { allowed: true } | { allowed: false; reason: string };

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

async function systemResolver(hostname: string): Promise<string[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
}

/** The named range of an address that is not global unicast, or undefined when it is public. */
export function refusedRange(address: string): string | undefined {
  let parsed: ReturnType<typeof ipaddr.process>;
  try {
    // process() turns ::ffff:127.0.0.1 into 127.0.0.1, so the IPv4 address inside is judged.
    parsed = ipaddr.process(address);
  } catch {
    return 'not an IP address';
  }
  const range = parsed.range();
  // Everything but global unicast is refused: loopback, private (RFC 1918), linkLocal
  // (169.254.0.0/16, incl. cloud metadata), carrierGradeNat, uniqueLocal, unspecified (0.0.0.0/8),
  // multicast, broadcast, reserved, and the IPv6 tunnels (6to4, teredo, NAT64) that can embed them.
  return range === 'unicast' ? undefined : range;
}

function hostMatches(list: readonly string[], hostname: string, port: string): boolean {
  const host = hostname.toLowerCase();
  return list.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry.length === 0) return false;
    if (entry.startsWith('.')) return host === entry.slice(1) || host.endsWith(entry);
    const colon = entry.lastIndexOf(':');
    if (colon > 0 && !entry.includes(']') && entry.indexOf(':') === colon) {
      return entry.slice(0, colon) === host && entry.slice(colon + 1) === port;
    }
    return entry.replace(/^\[|\]$/g, '') === host;
  });
}

function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

export class SourcePolicy {
  readonly trusted: boolean;
  private readonly roots: readonly string[];
  private readonly allowHosts: readonly string[];
  private readonly denyHosts: readonly string[];
  private readonly resolver: (hostname: string) => Promise<string[]>;

  constructor(options: SourcePolicyOptions) {
    this.trusted = options.trusted;
    this.roots = (options.localRoots ?? []).map((root) => resolve(root));
    this.allowHosts = options.allowHosts ?? [];
    this.denyHosts = options.denyHosts ?? [];
    this.resolver = options.resolver ?? systemResolver;
  }

  /** Checks a URL (a seed, a link or a redirect target) before anything is sent to it. */
  async checkUrl(raw: string): Promise<SourceVerdict> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { allowed: false, reason: 'not a valid URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { allowed: false, reason: `scheme ${url.protocol} is not fetched` };
    }
    const host = bareHost(url);
    if (hostMatches(this.denyHosts, host, defaultPort(url))) {
      return { allowed: false, reason: `host ${host} is on the configured deny list` };
    }
    if (this.trusted || hostMatches(this.allowHosts, host, defaultPort(url))) return { allowed: true };
    try {
      await this.checkedAddresses(host);
      return { allowed: true };
    } catch (error) {
      return { allowed: false, reason: (error as Error).message };
    }
  }

  /**
   * The addresses a connection to `hostname` may use: every resolved address when the host is
   * trusted, else all of them only if each is public (one private answer refuses the host, so a
   * resolver cannot mix a public and an internal address).
   */
  async resolveForConnect(hostname: string, port: string): Promise<ResolvedAddress[]> {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (hostMatches(this.denyHosts, host, port)) {
      throw new SourceForbiddenError(`host ${host} is on the configured deny list`);
    }
    if (this.trusted || hostMatches(this.allowHosts, host, port)) return withFamily(await this.resolve(host));
    return this.checkedAddresses(host);
  }

  /** Checks a local path (or file: URL); for API callers it must lie under a configured root. */
  async checkPath(raw: string, cwd: string): Promise<SourceVerdict> {
    if (this.trusted) return { allowed: true };
    if (this.roots.length === 0) {
      return {
        allowed: false,
        reason: 'local paths are read only for the local user; an admin may configure sources.localRoots',
      };
    }
    const lexical = resolve(cwd, raw.startsWith('file:') ? fileURLToPath(raw) : raw);
    let real: string;
    try {
      real = await realpath(lexical);
    } catch {
      // A missing file under a root fails later as an I/O error; outside the roots it is refused
      // here, so a caller cannot probe which paths exist.
      real = lexical;
    }
    for (const root of this.roots) {
      let realRoot = root;
      try {
        realRoot = await realpath(root);
      } catch {
        continue;
      }
      if (isInside(realRoot, real)) return { allowed: true };
    }
    return { allowed: false, reason: 'the path is outside the configured sources.localRoots' };
  }

  private async checkedAddresses(host: string): Promise<ResolvedAddress[]> {
    const addresses = await this.resolve(host);
    if (addresses.length === 0) throw new SourceForbiddenError(`host ${host} has no address`);
    for (const address of addresses) {
      const range = refusedRange(address);
      if (range) {
        throw new SourceForbiddenError(
          ip(host)
            ? `address ${host} is in a refused range (${range})`
            : `host ${host} resolves to ${address}, a refused range (${range})`,
        );
      }
    }
    return withFamily(addresses);
  }

  private async resolve(host: string): Promise<string[]> {
    return ip(host) ? [host] : this.resolver(host);
  }
}

/** Thrown by the connector when a host is refused at connect time. */
export class SourceForbiddenError extends Error {
  readonly code = 'RESEARCH_SOURCE_FORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'SourceForbiddenError';
  }
}

function ip(host: string): boolean {
  return ipaddr.isValid(host);
}

function withFamily(addresses: string[]): ResolvedAddress[] {
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The policy for work done on behalf of `principal`: work submitted through an API key or token
 * (`key:<id>`) is an API caller's; the local CLI user, the node's agents and the system are the
 * operator's own and trusted.
 */
export function sourcePolicyFor(
  principal: Principal,
  sources: MagnaConfig['sources'],
  resolver?: (hostname: string) => Promise<string[]>,
): SourcePolicy {
  return new SourcePolicy({
    trusted: !principal.id.startsWith('key:'),
    localRoots: sources.localRoots,
    allowHosts: sources.allowHosts,
    denyHosts: sources.denyHosts,
    ...(resolver ? { resolver } : {}),
  });
}
