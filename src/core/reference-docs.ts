import { configSchema, OPTIONS } from './config.js';
import { ERROR_CODES } from './error-codes.js';

/** docs/errors.md, generated from the error registry (a test keeps the file in step). */
export function errorsMarkdown(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, e]) => `| \`${code}\` | ${e.http} | ${e.exit} | ${e.doc} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error Magnatronic reports on purpose carries one of these stable codes. The HTTP API answers',
    '`{ "error": { "code", "message", "details" } }` with the status below; the CLI prints',
    '`error CODE: message` on stderr (or the same JSON with `--json`) and exits with the exit code below.',
    '',
    '| code | HTTP | exit | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** docs/configuration.md, generated from the config schema and OPTIONS. */
export function configurationMarkdown(): string {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const valueAt = (path: string): unknown =>
    path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], defaults);
  const rows = OPTIONS.map((o) => {
    const value = o.path === '(file)' ? undefined : valueAt(o.path);
    const shown = value === undefined ? '(unset)' : `\`${JSON.stringify(value)}\``;
    return `| \`${o.env}\` | \`${o.path}\` | ${shown} | ${o.doc} |`;
  });
  return [
    '# Configuration',
    '',
    'Configuration is read once at start-up, from lowest to highest precedence: defaults, a JSON file',
    '(`MAGNA_CONFIG`, else `./magnatronic.config.json` when it exists), `MAGNA_*` environment variables,',
    'then command-line flags. It is validated as a whole: a bad value stops start-up with `CONFIG_INVALID`',
    'naming the field. In the file, use the config path (for example `{ "queue": { "leaseMs": 60000 } }`).',
    'Per-skill limits are file-only: `{ "queue": { "skillLimits": { "research.collect": { "concurrency": 2, "perSecond": 5 } } } }`.',
    '',
    '| variable | config path | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
