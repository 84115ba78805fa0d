import type { Command } from 'commander';
import { type GlobalOptions, output, withSystem } from '../io.js';

export async function status(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const counts = await system.queue.store.countByState();
    const byState: Record<string, number> = {};
    for (const c of counts) byState[c.state] = (byState[c.state] ?? 0) + c.count;
    const missions = await system.missions.list({ limit: 5 });
    const agents = await system.agents.list();
    const store = await system.admin.status();
    const status = {
      home: system.config.home,
      database: store.location,
      dialect: store.dialect,
      schemaVersion: store.schemaVersion,
      tasks: { byState, bySkill: counts },
      agents: { total: agents.length, up: agents.filter((a) => a.status !== 'down').length },
      recentMissions: missions.map((m) => ({
        id: m.id,
        goal: m.goal,
        status: m.status,
        createdAt: m.createdAt,
      })),
    };
    output(opts, status, () =>
      [
        `home      ${status.home} (schema v${status.schemaVersion})`,
        `tasks     ${
          Object.entries(byState)
            .map(([s, n]) => `${s} ${n}`)
            .join(', ') || 'none'
        }`,
        `agents    ${status.agents.up} up of ${status.agents.total} registered`,
        'missions',
        ...(missions.length === 0
          ? ['  none yet']
          : missions.map((m) => `  ${m.id}  ${m.status.padEnd(9)} ${m.goal}`)),
      ].join('\n'),
    );
  });
}
