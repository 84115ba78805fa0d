import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import { SYSTEM_ROLES, type SystemRole } from '../../core/principal.js';
import { parseExpiry } from '../../security/keys.js';
import { rotateEncryption as rotate } from '../../security/rotation.js';
import { auditCli, cliActor } from '../cli-audit.js';
import { type GlobalOptions, output, withNewOrExistingSystem, withSystem } from '../io.js';

function date(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function create(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<
    GlobalOptions & { role: string; name?: string; namespace?: string[]; expires?: string }
  >();
  if (!(SYSTEM_ROLES as readonly string[]).includes(opts.role)) {
    throw new MagnaError(
      'INVALID_ARGUMENT',
      `--role must be one of ${SYSTEM_ROLES.join(', ')}, got "${opts.role}".`,
    );
  }
  await withNewOrExistingSystem(opts, async (system) => {
    const { key, record } = await system.security.keys.create({
      role: opts.role as SystemRole,
      createdBy: cliActor(),
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.namespace ? { namespaces: opts.namespace } : {}),
      ...(opts.expires ? { expiresAt: parseExpiry(opts.expires, Date.now()) } : {}),
    });
    await auditCli(system, 'keys.create', record.id, 'ok', { role: record.role });
    output(opts, { key, record }, () =>
      [
        `created ${record.role} key ${record.id}${record.expiresAt ? ` (expires ${date(record.expiresAt)})` : ''}`,
        'store it now; it is not shown again:',
        '',
        `  ${key}`,
      ].join('\n'),
    );
  });
}

export async function list(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const list = await system.security.keys.list();
    output(opts, { keys: list }, () =>
      list.length === 0
        ? 'no keys (the first `magnatronic server` or `start` creates an admin key)'
        : list
            .map(
              (k) =>
                `${k.id.padEnd(30)} ${k.role.padEnd(9)} ${k.status.padEnd(8)} ${k.name.padEnd(20)} created ${date(k.createdAt)}  expires ${date(k.expiresAt)}  last used ${date(k.lastUsedAt)}${k.namespaces ? `  namespaces ${k.namespaces.join(',')}` : ''}`,
            )
            .join('\n'),
    );
  });
}

export async function revoke(id: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const record = await system.security.keys.revoke(id);
    await auditCli(system, 'keys.revoke', id, 'ok');
    output(opts, record, () => `revoked ${record.id} (${record.role}, ${record.name})`);
  });
}

export async function rotateEncryption(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const report = await rotate({
      store: system.security.store,
      encryptor: system.encryption,
      artifactsRoot: system.artifacts.root,
    });
    const values = report.columns.reduce((sum, c) => sum + c.rewritten, 0);
    await auditCli(system, 'keys.rotate-encryption', report.keyId, 'ok', {
      values,
      artifacts: report.artifacts,
    });
    output(opts, report, () =>
      [
        `re-encrypted under key ${report.keyId}: ${values} stored values, ${report.artifacts} artifact files`,
        ...report.columns.map((c) => `  ${c.table}.${c.column}: ${c.rewritten}`),
        'older keys can now be removed from the keyring.',
      ].join('\n'),
    );
  });
}
