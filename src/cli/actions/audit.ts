import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import type { AuditOutcome } from '../../security/store-port.js';
import { type GlobalOptions, output, parseIntOption, withSystem } from '../io.js';

export async function list(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<
    GlobalOptions & { limit: string; before?: string; actor?: string; action?: string; outcome?: string }
  >();
  const limit = parseIntOption('limit', opts.limit, { min: 1 });
  if (limit < 1 || limit > 100_000)
    throw new MagnaError('INVALID_ARGUMENT', '--limit must be from 1 to 100000.');
  await withSystem(opts, async (system) => {
    const records = await system.security.audit.list({
      limit,
      ...(opts.before ? { beforeSeq: parseIntOption('before', opts.before, { min: 1 }) } : {}),
      ...(opts.actor ? { actor: opts.actor } : {}),
      ...(opts.action ? { action: opts.action } : {}),
      ...(opts.outcome ? { outcome: opts.outcome as AuditOutcome } : {}),
    });
    output(opts, { records }, () =>
      records.length === 0
        ? 'no audit records'
        : records
            .map(
              (r) =>
                `${String(r.seq).padStart(6)} ${new Date(r.at).toISOString()} ${r.outcome.padEnd(12)} ${r.actor.padEnd(32)} ${r.action.padEnd(22)} ${r.target}${r.ip ? ` from ${r.ip}` : ''}`,
            )
            .join('\n'),
    );
  });
}

export async function verify(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const result = await system.security.audit.verify();
    if (!result.valid) {
      throw new MagnaError(
        'AUDIT_CHAIN_BROKEN',
        `The audit log does not verify at record ${result.brokenAt}: ${result.reason}.`,
        { details: { ...result } },
      );
    }
    output(
      opts,
      result,
      () => `audit log intact: ${result.records} records, head ${result.head ?? '(empty)'}`,
    );
  });
}
