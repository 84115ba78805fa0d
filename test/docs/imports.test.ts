import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles } from './doc-commands.js';

const ROOT = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, { default: string }>;
};

/** `import { a, b } from 'magnatronic/x'` in the docs and examples: the names and the specifier. */
function documentedImports(): Array<{ where: string; names: string[]; specifier: string }> {
  const files = [...docFiles(ROOT), join(ROOT, 'examples/word-count-agent.mjs')];
  const pattern = /import\s*\{([^}]+)\}\s*from\s*'(magnatronic[^']*)'/g;
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(pattern)].map((m) => ({
      where: file.slice(ROOT.length + 1),
      names: m[1]!
        .split(',')
        .map((n) =>
          n
            .replace(/^\s*type\s+/, '')
            .split(/\s+as\s+/)[0]!
            .trim(),
        )
        .filter(Boolean),
      specifier: m[2]!,
    })),
  );
}

describe('import paths in the docs', () => {
  const imports = documentedImports();

  it('are found', () => {
    expect(imports.map((i) => i.specifier)).toContain('magnatronic');
  });

  it('are exported by the package, with every name they import', async () => {
    const problems: string[] = [];
    for (const { where, names, specifier } of imports) {
      const subpath = `.${specifier.slice(pkg.name.length)}`;
      const target = pkg.exports[subpath]?.default;
      if (!target) {
        problems.push(`${where}: ${specifier} is not in package.json "exports"`);
        continue;
      }
      // dist/x.js is built from src/x.ts: check the source, so no build is needed.
      const source = join(ROOT, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
      const module = (await import(source)) as Record<string, unknown>;
      for (const name of names)
        if (!(name in module)) problems.push(`${where}: ${specifier} exports no ${name}`);
    }
    expect(problems).toEqual([]);
  });
});
