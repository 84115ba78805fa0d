import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import type { EffectStore } from '../../queue/effects-port.js';
import type { System } from '../../runtime/system.js';
import { type GlobalOptions, output, parseIntOption, withSystem } from '../io.js';

function outboxOf(system: System): EffectStore {
  if (!system.effects)
    throw new MagnaError('STORE_UNSUPPORTED', 'The effect outbox is read from the embedded store only.');
  return system.effects;
}

export async function list(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { pending?: boolean; limit: string }>();
  await withSystem(opts, async (system) => {
    const effects = await outboxOf(system).list({
      pending: opts.pending === true,
      limit: parseIntOption('limit', opts.limit),
    });
    output(opts, effects, () =>
      effects.length === 0
        ? 'no effects'
        : effects
            .map(
              (e) =>
                `${e.key.padEnd(40)} ${e.kind.padEnd(20)} ${e.deliveredAt === null ? 'pending' : `delivered ${new Date(e.deliveredAt).toISOString()}`}  task ${e.taskId}`,
            )
            .join('\n'),
    );
  });
}

export async function retry(key: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    if (!(await outboxOf(system).requeue(key)))
      throw new MagnaError('NOT_FOUND', `No effect has the key ${key}.`, { details: { key } });
    output(opts, { key, pending: true }, () => `effect ${key} will be delivered again`);
  });
}
