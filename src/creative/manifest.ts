import { createHash } from 'node:crypto';

/**
 * Every creative output is stored with a manifest beside it (`<name>.manifest.json`): what went
 * in, how it was made, which sources it cites, and the SHA-256 of the stored bytes, so anyone can
 * tell the file is the one the manifest describes and how to make it again.
 */
export interface ArtifactManifest {
  artifact: string;
  kind: string;
  contentType: string;
  /** SHA-256 of the file's bytes (before any encryption at rest), hex. */
  sha256: string;
  bytes: number;
  inputs: Record<string, unknown>;
  method: string[];
  sources: Array<{ id: string; title: string; url: string }>;
  /** Knowledge-base namespaces the content was drawn from. */
  label: string[];
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export function manifestFor(
  artifact: string,
  content: string | Uint8Array,
  fields: Omit<ArtifactManifest, 'artifact' | 'sha256' | 'bytes'>,
): ArtifactManifest {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  return { artifact, sha256: sha256(content), bytes, ...fields };
}

/** Writes the file and then its manifest, through whatever artifact writer the caller has. */
export async function writeWithManifest(
  write: (name: string, content: string | Uint8Array) => Promise<string>,
  name: string,
  content: string | Uint8Array,
  fields: Omit<ArtifactManifest, 'artifact' | 'sha256' | 'bytes'>,
): Promise<{ path: string; manifestPath: string; sha256: string }> {
  const manifest = manifestFor(name, content, fields);
  const path = await write(name, content);
  const manifestPath = await write(`${name}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return { path, manifestPath, sha256: manifest.sha256 };
}
