import { MagnaError } from '../../core/errors.js';
import type { CheckedImage } from '../../creative/design/image-input.js';
import { sourcePolicyFor } from '../../security/source-policy.js';
import type { SkillContext } from '../sdk.js';

/**
 * An image path is a local source like any other: an API caller may read only under the
 * admin's configured roots (the research collector's rule), the operator anything, so a design
 * skill never turns a server file into a stored artifact for someone who may not read it.
 */
export async function readImageFor(ctx: SkillContext, path: string): Promise<CheckedImage> {
  const verdict = await sourcePolicyFor(ctx.principal, ctx.config.sources).checkPath(path, process.cwd());
  if (!verdict.allowed) {
    throw new MagnaError('RESEARCH_SOURCE_FORBIDDEN', `Image refused: ${path} (${verdict.reason})`, {
      details: { path, reason: verdict.reason },
    });
  }
  const { readImageFile } = await import('../../creative/design/image-file.js');
  return readImageFile(path);
}
