import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import { SYSTEM_ROLES, type SystemRole } from '../../core/principal.js';
import { parseExpiry } from '../../security/keys.js';
import { rotateEncryption } from '../../security/rotation.js';
import { auditCli, cliActor } from '../cli-audit.js';
import { type GlobalOptions, output, withSystem } from '../io.js';

function date(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function register(program: Command): void {
  const keys = program.command('keys').description('Manage API keys and the encryption key.');

  keys
    .command('create')
    .description('Create an API key; its text is printed once and never stored.')
    .requiredOption('--role <role>', `one of ${SYSTEM_ROLES.join(', ')}`)
    .option('--name <name>', 'a label to recognise the key by')
    .option('--namespace <namespaces...>', 'limit the key to these knowledge namespaces (and below)')
    .option('--expires <when>', 'a duration (30d, 12h, 45m) or an ISO date')
    .option('--json', 'print JSON')
    .action(async (_o, command: Command) => {
      const opts = command.optsWithGlobals<
        GlobalOptions & { role: string; name?: string; namespace?: string[]; expires?: string }
      >();
      if (!(SYSTEM_ROLES as readonly string[]).includes(opts.role)) {
        throw new MagnaError(
          'INVALID_ARGUMENT',
          `--role must be one of ${SYSTEM_ROLES.join(', ')}, got "${opts.role}".`,
        );
      }
      await withSystem(opts, async (system) => {
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
    });

  keys
    .command('list')
    .description('List API keys (never their secrets).')
    .option('--json', 'print JSON')
    .action(async (_o, command: Command) => {
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
    });

  keys
    .command('revoke <id>')
    .description('Revoke an API key; its session tokens stop working at once.')
    .option('--json', 'print JSON')
    .action(async (id: string, _o, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions>();
      await withSystem(opts, async (system) => {
        const record = await system.security.keys.revoke(id);
        await auditCli(system, 'keys.revoke', id, 'ok');
        output(opts, record, () => `revoked ${record.id} (${record.role}, ${record.name})`);
      });
    });

  keys
    .command('rotate-encryption')
    .description(
      'Re-encrypt everything under the current encryption key (the first of MAGNA_ENCRYPTION_KEY or the key file); ' +
        'older keys must still be listed after it until this finishes.',
    )
    .option('--json', 'print JSON')
    .action(async (_o, command: Command) => {
      const opts = command.optsWithGlobals<GlobalOptions>();
      await withSystem(opts, async (system) => {
        const report = await rotateEncryption({
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
    });
}
