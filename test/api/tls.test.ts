import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { startApiServer } from '../../src/api/server.js';
import { silentLogger } from '../../src/observability/logger.js';
import { openSystem } from '../../src/runtime/system.js';

function get(
  send: typeof httpsRequest | typeof httpRequest,
  url: string,
  options: Record<string, unknown>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS', () => {
  it('serves TLS with a configured certificate and refuses plain HTTP on that port', async () => {
    const home = mkdtempSync(join(tmpdir(), 'magna-tls-'));
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(join(home, 'cert.pem'), pems.cert);
    writeFileSync(join(home, 'key.pem'), pems.private);
    const system = await openSystem({
      overrides: {
        home,
        log: { level: 'silent' },
        server: { tlsCert: join(home, 'cert.pem'), tlsKey: join(home, 'key.pem') },
        security: { adminKey: 'test-admin-key-0123456789' },
      },
      logger: silentLogger(),
      builtins: false,
    });
    const api = await startApiServer(system, { host: '127.0.0.1', port: 0 });
    try {
      expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(api.adminKey).toBeNull();
      const health = await get(httpsRequest, `${api.url}/healthz`, { ca: pems.cert });
      expect(health).toEqual({ status: 200, body: '{"status":"ok"}' });
      const who = await get(httpsRequest, `${api.url}/whoami`, {
        ca: pems.cert,
        headers: { authorization: 'Bearer test-admin-key-0123456789' },
      });
      expect(JSON.parse(who.body)).toMatchObject({ role: 'admin', keyId: 'key_admin_config' });
      // The certificate is checked: without trusting it the handshake fails.
      await expect(get(httpsRequest, `${api.url}/healthz`, {})).rejects.toThrow(
        /self[- ]signed|certificate/i,
      );
      await expect(get(httpRequest, `${api.url.replace('https', 'http')}/healthz`, {})).rejects.toThrow();
    } finally {
      await api.close();
      await system.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
