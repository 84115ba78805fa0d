// Module resolution hook for CLI tests: `import 'magnatronic'` (as agent modules write it) resolves
// to the sources, src/index.ts, rather than the package entry in dist/, so a stale or missing build
// is never what a test exercises. Passed on to the next resolver (tsx's) so that tsx loads it.
const SOURCE_ENTRY = new URL('../../src/index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'magnatronic') return nextResolve(SOURCE_ENTRY, context);
  return nextResolve(specifier, context);
}
