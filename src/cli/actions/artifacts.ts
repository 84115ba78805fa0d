import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { type GlobalOptions, output, withSystem } from '../io.js';

interface ArtifactsOptions extends GlobalOptions {
  out?: string;
}

/** Lists or downloads through the artifact store, so encrypted files come out decrypted. */
export async function artifacts(missionId: string, name: string | undefined, _o: unknown, command: Command) {
  const opts = command.optsWithGlobals<ArtifactsOptions>();
  await withSystem(opts, async (system) => {
    if (name) {
      const content = await system.artifacts.read(missionId, name);
      if (opts.out) {
        await writeFile(opts.out, content);
        output(
          opts,
          { missionId, name, bytes: content.byteLength, out: opts.out },
          () => `wrote ${content.byteLength} bytes to ${opts.out}`,
        );
      } else process.stdout.write(content);
      return;
    }
    const result = await system.missions.results(missionId);
    const folder = system.artifacts.pathOf(missionId, 'x').slice(0, -2);
    const listed: Array<{
      name: string;
      kind?: string | undefined;
      sha256?: string | undefined;
      sources?: number;
    }> = [];
    for (const path of result.artifacts) {
      const file = relative(folder, path);
      if (file.endsWith('.manifest.json')) continue;
      const manifest = result.artifacts.includes(`${path}.manifest.json`)
        ? (JSON.parse((await system.artifacts.read(missionId, `${file}.manifest.json`)).toString('utf8')) as {
            kind?: string;
            sha256?: string;
            sources?: unknown[];
          })
        : undefined;
      listed.push({
        name: file,
        ...(manifest
          ? { kind: manifest.kind, sha256: manifest.sha256, sources: manifest.sources?.length ?? 0 }
          : {}),
      });
    }
    output(opts, { missionId, artifacts: listed }, () =>
      listed
        .map(
          (a) =>
            `${a.name}${a.kind ? `  ${a.kind}  sha256 ${a.sha256?.slice(0, 12)}…  ${a.sources} sources` : ''}`,
        )
        .join('\n'),
    );
  });
}
