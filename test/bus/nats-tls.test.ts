import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsTransport } from '../../src/bus/nats/transport.js';
import { envelope, waitFor } from './helpers.js';
import { startNats, type ThrowawayNats } from './nats-server.js';

/** A CA made here, a server certificate for 127.0.0.1 and a client certificate, all signed by it. */
async function makePki(dir: string) {
  const ca = await generate([{ name: 'commonName', value: 'Magnatronic test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const signed = (cn: string, usage: { serverAuth?: boolean; clientAuth?: boolean }) =>
    generate([{ name: 'commonName', value: cn }], {
      keyType: 'ec',
      algorithm: 'sha256',
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', ...usage },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    });
  const server = await signed('localhost', { serverAuth: true });
  const client = await signed('magna-worker', { clientAuth: true });
  const other = await generate([{ name: 'commonName', value: 'someone else' }], { keyType: 'ec' });
  const files = {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client-key.pem'),
    otherCa: join(dir, 'other-ca.pem'),
  };
  writeFileSync(files.ca, ca.cert);
  writeFileSync(files.serverCert, server.cert);
  writeFileSync(files.serverKey, server.private);
  writeFileSync(files.clientCert, client.cert);
  writeFileSync(files.clientKey, client.private);
  writeFileSync(files.otherCa, other.cert);
  return files;
}

async function roundTrip(transport: NatsTransport): Promise<void> {
  const got: string[] = [];
  transport.subscribe('agent.tls', (e) => got.push(e.id));
  await transport.ready();
  const m = envelope({ receiver: 'agent:tls' });
  transport.publish('agent.tls', m);
  await waitFor(() => got.length === 1, 'delivery over TLS');
  expect(got).toEqual([m.id]);
}

describe('nats transport over TLS', () => {
  let server: ThrowawayNats;
  let mutual: ThrowawayNats;
  let pki: Awaited<ReturnType<typeof makePki>>;
  const dir = mkdtempSync(join(tmpdir(), 'magna-pki-'));

  beforeAll(async () => {
    pki = await makePki(dir);
    const tls = (verify: boolean) =>
      `tls {\n  cert_file: "${pki.serverCert}"\n  key_file: "${pki.serverKey}"\n  ca_file: "${pki.ca}"\n  verify: ${verify}\n  timeout: 5\n}`;
    [server, mutual] = await Promise.all([startNats(tls(false)), startNats(tls(true))]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([server?.stop(), mutual?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with tls:// and the CA that signed the server, and carries messages', async () => {
    const t = await NatsTransport.connect({
      url: `tls://127.0.0.1:${server.port}`,
      prefix: 'tls',
      tls: { caFile: pki.ca },
    });
    await roundTrip(t);
    await t.close();
  });

  it('refuses a server whose certificate its CA did not sign', async () => {
    const error = await connectOnce(`tls://127.0.0.1:${server.port}`, { caFile: pki.otherCa });
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(String((error as Error).message)).toMatch(/certificate/i);
  });

  it('refuses a TLS file that does not exist with CONFIG_INVALID naming it', async () => {
    const error = await connectOnce(`tls://127.0.0.1:${server.port}`, { caFile: join(dir, 'missing.pem') });
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(String((error as Error).message)).toContain('missing.pem');
  });

  it('presents a client certificate when the server requires one, and fails without it', async () => {
    const withoutCert = await connectOnce(`tls://127.0.0.1:${mutual.port}`, { caFile: pki.ca });
    expect(withoutCert).toMatchObject({ code: 'UNAVAILABLE' });
    const t = await NatsTransport.connect({
      url: `tls://127.0.0.1:${mutual.port}`,
      prefix: 'mtls',
      tls: { caFile: pki.ca, certFile: pki.clientCert, keyFile: pki.clientKey },
    });
    await roundTrip(t);
    await t.close();
  });
});

/** One attempt (no waitForServer): the TLS failure comes back instead of retries. */
function connectOnce(url: string, tls: { caFile: string }): Promise<unknown> {
  return NatsTransport.connect({ url, tls, prefix: 'x', connectTimeoutMs: 2000 }).then(
    async (t) => {
      await t.close();
      return 'connected';
    },
    (error: unknown) => error,
  );
}
