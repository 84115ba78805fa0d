import type { Command } from 'commander';
import { SYSTEM_ROLES } from '../../core/principal.js';
import { lazyAction } from '../lazy.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('Manage API keys and the encryption key.');
  const load = () => import('../actions/keys.js');

  keys
    .command('create')
    .description('Create an API key; its text is printed once and never stored.')
    .requiredOption('--role <role>', `one of ${SYSTEM_ROLES.join(', ')}`)
    .option('--name <name>', 'a label to recognise the key by')
    .option('--namespace <namespaces...>', 'limit the key to these knowledge namespaces (and below)')
    .option('--expires <when>', 'a duration (30d, 12h, 45m) or an ISO date')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'create'));

  keys
    .command('list')
    .description('List API keys (never their secrets).')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'list'));

  keys
    .command('revoke <id>')
    .description('Revoke an API key; its session tokens stop working at once.')
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'revoke'));

  keys
    .command('rotate-encryption')
    .description(
      'Re-encrypt everything under the current encryption key (the first of MAGNA_ENCRYPTION_KEY or the key file); ' +
        'older keys must still be listed after it until this finishes.',
    )
    .option('--json', 'print JSON')
    .action(lazyAction(load, 'rotateEncryption'));
}
