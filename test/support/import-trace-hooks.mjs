// Module hooks that append every bare package specifier the process imports to the file named by
// MAGNA_TEST_IMPORT_TRACE, so a test can see which dependencies a command loaded.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const file = process.env.MAGNA_TEST_IMPORT_TRACE;
  if (file && !/^(node:|\.|\/|file:|data:)/.test(specifier)) appendFileSync(file, `${specifier}\n`);
  return next(specifier, context);
}
