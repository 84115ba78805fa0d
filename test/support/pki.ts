import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  /** A CA that signed nothing here: trusting it must fail verification. */
  otherCa: string;
}

/** A CA made for the test and a server certificate for 127.0.0.1 and localhost signed by it (PEM files in `dir`). */
export async function makeServerPki(dir: string): Promise<TestPki> {
  const ca = await generate([{ name: 'commonName', value: 'Magnatronic test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const other = await generate([{ name: 'commonName', value: 'someone else' }], { keyType: 'ec' });
  const files = {
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    otherCa: join(dir, 'other-ca.pem'),
  };
  writeFileSync(files.ca, ca.cert);
  writeFileSync(files.serverCert, server.cert);
  writeFileSync(files.serverKey, server.private, { mode: 0o600 });
  writeFileSync(files.otherCa, other.cert);
  return files;
}
