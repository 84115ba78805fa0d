// Regenerates the reference docs that are derived from code: `npx tsx scripts/gen-docs.ts`.
import { writeFileSync } from 'node:fs';
import { configurationMarkdown, errorsMarkdown } from '../src/core/reference-docs.js';

writeFileSync('docs/errors.md', errorsMarkdown());
writeFileSync('docs/configuration.md', configurationMarkdown());
console.log('wrote docs/errors.md and docs/configuration.md');
