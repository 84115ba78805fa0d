import type { Command } from 'commander';
import { MagnaError } from '../../core/errors.js';
import type { MissionStatus } from '../../orchestrator/types.js';
import { auditCli } from '../cli-audit.js';
import { MISSION_STATUSES } from '../commands/missions.js';
import { type GlobalOptions, output, parseIntOption, withSystem } from '../io.js';

export async function list(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { status?: string; limit: string }>();
  if (opts.status && !(MISSION_STATUSES as readonly string[]).includes(opts.status)) {
    throw new MagnaError('INVALID_ARGUMENT', `--status must be one of ${MISSION_STATUSES.join(', ')}.`);
  }
  const limit = parseIntOption('limit', opts.limit, { min: 1, max: 1000 });
  await withSystem(opts, async (system) => {
    const missions = await system.missions.list({
      limit,
      ...(opts.status ? { status: opts.status as MissionStatus } : {}),
    });
    output(opts, missions, () =>
      missions.length === 0
        ? 'no missions'
        : missions
            .map((m) => `${m.id}  ${m.status.padEnd(9)} ${new Date(m.createdAt).toISOString()}  ${m.goal}`)
            .join('\n'),
    );
  });
}

export async function show(id: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const mission = await system.missions.get(id);
    output(opts, mission, () =>
      [
        `mission ${mission.id} ${mission.status}: ${mission.goal}`,
        `  ${mission.progress.finished}/${mission.progress.total} tasks finished` +
          (mission.finishedAt ? `, at ${new Date(mission.finishedAt).toISOString()}` : ''),
        ...mission.tasks.map((t) => {
          const error =
            t.lastError && t.state !== 'succeeded' ? `  ${t.lastError.code}: ${t.lastError.message}` : '';
          return `  ${t.step.padEnd(12)} ${t.skill.padEnd(22)} ${t.state.padEnd(9)} attempt ${t.attempt}${error}`;
        }),
      ].join('\n'),
    );
  });
}

export async function cancel(id: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions & { reason: string }>();
  await withSystem(opts, async (system) => {
    const mission = await system.missions.cancel(id, opts.reason);
    await auditCli(system, 'missions.cancel', id, 'ok', { reason: opts.reason });
    output(opts, mission, () => `mission ${mission.id} ${mission.status}`);
  });
}

export async function report(id: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const mission = await system.missions.get(id);
    const { artifacts } = await system.missions.results(id);
    const html = artifacts.find((path) => path.endsWith('.html')) ?? null;
    const markdown = artifacts.find((path) => path.endsWith('.md')) ?? null;
    output(opts, { missionId: id, status: mission.status, report: { html, markdown }, artifacts }, () => {
      if (artifacts.length === 0) return `mission ${id} (${mission.status}) has written no artifacts`;
      return [
        `mission ${id} ${mission.status}; artifacts:`,
        ...artifacts.map((path) => `  ${path}`),
        ...(html ? ['', `open the report in a browser: file://${html}`] : []),
      ].join('\n');
    });
  });
}
