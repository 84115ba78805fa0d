import { isMagnaError, MagnaError } from '../core/errors.js';
import type { SkillContext } from './sdk.js';

/**
 * Skills pass artifacts to each other by path (`corpusPath`, `analysisPath`). Reading one always
 * goes through the artifact store, so it is decrypted when encryption at rest is on, and it is
 * never an arbitrary server file: work submitted through the API (`key:` principals) may read
 * only its own mission's (or, outside a mission, its own task's) folder; the operator's own
 * work may read any artifact of this node.
 */
export async function readArtifactText(ctx: SkillContext, path: string, what: string): Promise<string> {
  const scopes = ctx.principal.id.startsWith('key:') ? [ctx.task.missionId ?? ctx.task.id] : undefined;
  try {
    return (await ctx.artifacts.readPath(path, scopes)).toString('utf8');
  } catch (cause) {
    if (isMagnaError(cause, 'RESEARCH_SOURCE_FORBIDDEN') || isMagnaError(cause, 'CRYPTO_DECRYPT_FAILED'))
      throw cause;
    if (isMagnaError(cause, 'CRYPTO_KEY_MISSING')) throw cause;
    throw new MagnaError('NOT_FOUND', `The ${what} file ${path} cannot be read.`, {
      cause,
      details: { path },
    });
  }
}
