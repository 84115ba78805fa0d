import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { createEncryptor } from '../../src/security/encryption.js';
import { openStores, type Stores } from '../../src/store/stores.js';
import { startTlsCluster, type ThrowawayCluster } from '../support/pg-cluster.js';
import { makeServerPki, type TestPki } from '../support/pki.js';
import { until } from '../support/system.js';

/**
 * TLS to PostgreSQL and recovery from a restart, against a cluster the test starts itself (with
 * a CA made here): the machine's shared server is never reconfigured or restarted.
 */
let cluster: ThrowawayCluster;
let pki: TestPki;
const dir = mkdtempSync(join(tmpdir(), 'magna-pgtls-'));
beforeAll(async () => {
  pki = await makeServerPki(dir);
  cluster = await startTlsCluster(pki);
}, 120_000);
afterAll(() => {
  cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const opened: Stores[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

async function open(url: string, caFile?: string): Promise<Stores> {
  const config = loadConfig({
    env: {},
    overrides: { home: join(dir, 'home'), database: { url, ...(caFile ? { caFile } : {}) } },
  });
  const stores = await openStores(config, { encryption: createEncryptor(config.security) });
  opened.push(stores);
  return stores;
}

describe('PostgreSQL over TLS', () => {
  it('verifies the server against the configured CA (database.caFile) and runs encrypted', async () => {
    const stores = await open(cluster.url(), pki.ca);
    expect(await stores.admin.ping()).toBe(true);
    await stores.security.putSettingIfAbsent('probe', 'over tls');
    expect(await stores.security.getSetting('probe')).toBe('over tls');
  });

  it('takes sslmode=verify-full and the CA from the URL', async () => {
    const stores = await open(cluster.url(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(pki.ca)}`));
    expect((await stores.admin.status()).dialect).toBe('postgres');
  });

  it('refuses a server its CA did not sign, and a connection without TLS', async () => {
    await expect(open(cluster.url(), pki.otherCa)).rejects.toThrow(/certificate/i);
    await expect(open(cluster.url('?sslmode=disable'))).rejects.toThrow(/no encryption|pg_hba/i);
  });

  it('is not ready while the server is down and reconnects by itself after it restarts', async () => {
    const stores = await open(cluster.url(), pki.ca);
    await stores.security.putSettingIfAbsent('before', 'restart');
    cluster.stop();
    try {
      expect(await stores.admin.ping()).toBe(false);
      await expect(stores.security.ping()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(stores.security.getSetting('before')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      cluster.start();
    }
    await until(() => stores.admin.ping(), 30_000, 'the pool to reconnect');
    expect(await stores.security.getSetting('before')).toBe('restart');
    // The LISTEN connection comes back too: a notification reaches a subscriber again.
    const heard: string[] = [];
    stores.wakeUp!.subscribe((skills) => heard.push(...skills));
    await until(
      async () => {
        stores.wakeUp!.notify(['after.restart']);
        await new Promise((r) => setTimeout(r, 50));
        return heard.includes('after.restart');
      },
      30_000,
      'a wake-up after the restart',
    );
  }, 120_000);
});
