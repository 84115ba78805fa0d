import { resolve } from 'node:path';
import type { Command } from 'commander';
import { auditCli } from '../cli-audit.js';
import { type GlobalOptions, output, withSystem } from '../io.js';

export async function backup(file: string, _o: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const target = resolve(file);
  await withSystem(opts, async (system) => {
    // Recorded first, so the backup holds the record of its own making.
    await auditCli(system, 'backup.create', target, 'ok');
    const summary = await system.admin.backup({ artifactsRoot: system.artifacts.root, target });
    output(
      opts,
      summary,
      () =>
        `backed up schema ${summary.schemaVersion} (${summary.files - 1} artifact files, ${summary.bytes} bytes) to ${summary.file}\nsha256 ${summary.sha256}`,
    );
  });
}
