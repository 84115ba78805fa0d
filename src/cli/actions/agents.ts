import type { Command } from 'commander';
import { type GlobalOptions, output, withSystem } from '../io.js';

export async function agents(_o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  await withSystem(opts, async (system) => {
    const registered = await system.agents.list();
    const hosted = system.agentDefinitions.map((a) => ({
      name: a.name,
      role: a.role,
      skills: a.skills.map((s) => s.name),
    }));
    output(opts, { registered, available: hosted }, () => {
      const lines = registered.map(
        (a) =>
          `${a.name.padEnd(12)} ${a.status.padEnd(9)} load ${a.load}/${a.concurrency}  node ${a.nodeId}  last seen ${new Date(a.heartbeatAt).toISOString()}`,
      );
      lines.push('', 'available agents:');
      for (const a of hosted)
        lines.push(`  ${a.name.padEnd(12)} ${a.role.padEnd(12)} ${a.skills.join(', ')}`);
      return registered.length === 0
        ? ['no agent has registered yet (run `magnatronic start`)', ...lines].join('\n')
        : lines.join('\n');
    });
  });
}
