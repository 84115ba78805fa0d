import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSkill } from '../../src/agents/research/collect.js';
import { collect } from '../../src/research/collect/index.js';
import { refusedRange, SourcePolicy } from '../../src/security/source-policy.js';
import { skillContext, tempDir, testLimits, USER_AGENT } from './support.js';

/**
 * The source policy for API callers. Every refused source must be refused before a byte is sent:
 * the canary server records every request it gets, and its log must stay empty.
 */
let canary: Server;
let canaryPort = 0;
const canaryLog: string[] = [];
let allowed: Server;
let allowedPort = 0;
const allowedLog: string[] = [];
let dir: string;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

beforeAll(async () => {
  canary = createServer((req, res) => {
    canaryLog.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'text/plain');
    res.end('CANARY-internal-secret');
  });
  canaryPort = await listen(canary);
  // An allowed (allowlisted) host whose page redirects to the canary on 127.0.0.1.
  allowed = createServer((req, res) => {
    allowedLog.push(`${req.method} ${req.url}`);
    if (req.url === '/robots.txt') {
      res.statusCode = 404;
      res.end();
      return;
    }
    if (req.url === '/go') {
      res.statusCode = 302;
      res.setHeader('location', `http://127.0.0.1:${canaryPort}/secret`);
      res.end();
      return;
    }
    res.setHeader('content-type', 'text/html');
    const paragraph =
      '<p>An allowed page with enough words for the reader to keep it as an article body.</p>';
    res.end(
      `<html><head><title>Allowed</title></head><body><article>${paragraph.repeat(8)}</article></body></html>`,
    );
  });
  allowedPort = await listen(allowed);
  dir = tempDir('magna-policy-');
});

afterAll(async () => {
  await new Promise<void>((resolve) => canary.close(() => resolve()));
  await new Promise<void>((resolve) => allowed.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const resolver =
  (map: Record<string, string[]>) =>
  async (host: string): Promise<string[]> => {
    const found = map[host];
    if (!found) throw Object.assign(new Error(`no such host ${host}`), { code: 'ENOTFOUND' });
    return found;
  };

function apiPolicy(options: Partial<ConstructorParameters<typeof SourcePolicy>[0]> = {}): SourcePolicy {
  return new SourcePolicy({ trusted: false, resolver: resolver({}), ...options });
}

async function collectWith(policy: SourcePolicy, sources: string[]) {
  return collect({
    topic: 'policy',
    sources,
    limits: testLimits({ maxDepth: 0, fetchTimeoutMs: 3_000 }),
    userAgent: USER_AGENT,
    policy,
    cwd: dir,
  });
}

describe('address ranges', () => {
  it('refuses every non-public range, IPv4 and IPv6, and accepts public unicast', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '0.1.2.3',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(refusedRange(address), address).toBeDefined();
    }
    expect(refusedRange('93.184.216.34')).toBeUndefined();
    expect(refusedRange('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
  });
});

describe('source policy for API callers', () => {
  it('refuses loopback, 10.x, cloud metadata and [::1] without sending a byte', async () => {
    const sources = [
      `http://127.0.0.1:${canaryPort}/`,
      `http://10.0.0.1:${canaryPort}/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${canaryPort}/`,
      `http://[::ffff:127.0.0.1]:${canaryPort}/`,
      `http://0x7f.0.0.1:${canaryPort}/hex`,
    ];
    const corpus = await collectWith(apiPolicy(), sources);
    expect(corpus.sources).toHaveLength(sources.length);
    for (const source of corpus.sources) {
      expect(source.status, source.url).toBe('failed');
      expect(source.failure, source.url).toBe('forbidden');
      expect(source.reason).toMatch(/^RESEARCH_SOURCE_FORBIDDEN: /);
    }
    expect(canaryLog).toEqual([]);
  });

  it('refuses a host name that resolves to 127.0.0.1 (injected resolver)', async () => {
    const policy = apiPolicy({ resolver: resolver({ 'intranet.test': ['127.0.0.1'] }) });
    const corpus = await collectWith(policy, [`http://intranet.test:${canaryPort}/`]);
    expect(corpus.sources[0]).toMatchObject({ status: 'failed', failure: 'forbidden' });
    expect(corpus.sources[0]?.reason).toContain('resolves to 127.0.0.1');
    expect(canaryLog).toEqual([]);
  });

  it('refuses at connect time a name that rebinds to 127.0.0.1 after its check', async () => {
    let calls = 0;
    // First answer public (the URL check), every later answer loopback (the connection).
    const rebinding = async (): Promise<string[]> => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const policy = apiPolicy({ resolver: rebinding });
    const corpus = await collectWith(policy, [`http://rebind.test:${canaryPort}/`]);
    expect(corpus.sources[0]).toMatchObject({ status: 'failed', failure: 'forbidden' });
    expect(calls).toBeGreaterThan(1);
    expect(canaryLog).toEqual([]);
  });

  it('refuses a redirect to 127.0.0.1 from an allowed host, and the allowed host itself is fetched', async () => {
    const policy = apiPolicy({
      allowHosts: ['allowed.test'],
      resolver: resolver({ 'allowed.test': ['127.0.0.1'] }),
    });
    const corpus = await collectWith(policy, [
      `http://allowed.test:${allowedPort}/go`,
      `http://allowed.test:${allowedPort}/page`,
    ]);
    const go = corpus.sources.find((s) => s.url.endsWith('/go'));
    const page = corpus.sources.find((s) => s.url.endsWith('/page'));
    expect(go).toMatchObject({ status: 'failed', failure: 'forbidden' });
    expect(go?.reason).toContain('127.0.0.1');
    expect(page).toMatchObject({ status: 'ok' });
    expect(allowedLog).toContain('GET /go');
    expect(canaryLog).toEqual([]);
  });

  it('refuses a denied host to everyone, the local user included', async () => {
    const policy = new SourcePolicy({ trusted: true, denyHosts: ['.blocked.test'] });
    const corpus = await collectWith(policy, [`http://a.blocked.test:${canaryPort}/`]);
    expect(corpus.sources[0]).toMatchObject({ status: 'failed', failure: 'forbidden' });
    expect(canaryLog).toEqual([]);
  });

  it('reads local paths only under the configured roots, on the real path', async () => {
    const root = join(dir, 'root');
    const outside = join(dir, 'outside');
    mkdirSync(root, { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(root, 'inside.md'), '# Inside\n\nA readable note inside the root.\n');
    writeFileSync(join(outside, 'secret.md'), '# Secret\n\nCANARY-local-secret\n');
    symlinkSync(join(outside, 'secret.md'), join(root, 'escape.md'));
    const policy = apiPolicy({ localRoots: [root] });
    const corpus = await collectWith(policy, [
      join(root, 'inside.md'),
      join(outside, 'secret.md'),
      join(root, 'escape.md'),
      `${root}/../outside/secret.md`,
    ]);
    expect(JSON.stringify(corpus)).not.toContain('CANARY-local-secret');
    const byPath = (suffix: string) => corpus.sources.filter((s) => s.path?.endsWith(suffix));
    expect(byPath('inside.md')[0]).toMatchObject({ status: 'ok' });
    expect(byPath('escape.md')[0]).toMatchObject({ status: 'failed', failure: 'forbidden' });
    for (const source of byPath('secret.md')) expect(source).toMatchObject({ failure: 'forbidden' });
    // Without roots, an API caller reads no local path at all.
    const none = await collectWith(apiPolicy(), [join(root, 'inside.md')]);
    expect(none.sources[0]).toMatchObject({ status: 'failed', failure: 'forbidden' });
  });

  it('the local user (trusted) still reads 127.0.0.1 and any path', async () => {
    const corpus = await collectWith(new SourcePolicy({ trusted: true }), [
      `http://127.0.0.1:${allowedPort}/page`,
    ]);
    expect(corpus.sources[0], corpus.sources[0]?.reason).toMatchObject({ status: 'ok' });
  });
});

describe('research.collect for an API caller', () => {
  it('fails with RESEARCH_SOURCE_FORBIDDEN before requesting any source', async () => {
    const home = tempDir();
    const ctx = skillContext({ home });
    const asCaller = { ...ctx, principal: { id: 'key:key_01TEST', role: 'analyst' as const } };
    await expect(
      collectSkill.handler(
        { topic: 't', sources: [`http://127.0.0.1:${canaryPort}/`, 'https://example.org/'] },
        asCaller,
      ),
    ).rejects.toMatchObject({ code: 'RESEARCH_SOURCE_FORBIDDEN' });
    await expect(
      collectSkill.handler({ topic: 't', sources: [join(dir, 'outside', 'secret.md')] }, asCaller),
    ).rejects.toMatchObject({ code: 'RESEARCH_SOURCE_FORBIDDEN' });
    expect(canaryLog).toEqual([]);
    rmSync(home, { recursive: true, force: true });
  });
});
