import { isMagnaError, MagnaError, toMagnaError } from '../core/errors.js';
import type { OpenSystemOptions, System } from '../runtime/system.js';

/** Options every command accepts. */
export interface GlobalOptions {
  home?: string;
  json?: boolean;
  logLevel?: string;
}

export function systemOptions(options: GlobalOptions): OpenSystemOptions {
  const overrides: NonNullable<OpenSystemOptions['overrides']> = {};
  if (options.home) overrides.home = options.home;
  // Commands keep stdout for their output; logs go to stderr and stay quiet unless asked.
  overrides.log = { level: (options.logLevel as 'info') ?? 'warn' };
  return { overrides };
}

/**
 * Opens the system for one command, runs it, and always closes the store. Only commands that are
 * meant to make a home pass `{ create: true }`; the rest refuse a folder without one.
 */
export async function withSystem<T>(
  options: GlobalOptions,
  fn: (system: System) => Promise<T>,
  open: { create?: boolean } = {},
): Promise<T> {
  // Loaded here, not at the top: main.ts imports this module for reportError, and `--help` must
  // not load the store.
  const { openSystem } = await import('../runtime/system.js');
  const system = await openSystem({ ...systemOptions(options), create: open.create === true, kind: 'cli' });
  try {
    return await fn(system);
  } finally {
    await system.close();
  }
}

/** withSystem for the commands that make a home when there is none (kb ingest, kb import, keys create). */
export function withNewOrExistingSystem<T>(
  options: GlobalOptions,
  fn: (system: System) => Promise<T>,
): Promise<T> {
  return withSystem(options, fn, { create: true });
}

/** Prints `data` as JSON with --json, else the human text. */
export function output(options: GlobalOptions, data: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** The CLI's one error edge: a coded message on stderr (JSON with --json) and the code's exit status. */
export function reportError(error: unknown, json: boolean): number {
  const err = isMagnaError(error) ? error : toMagnaError(error);
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: err.toJSON() }, null, 2)}\n`);
  } else {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    const issues = (err.details as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues;
    for (const issue of issues ?? []) process.stderr.write(`  ${issue.path}: ${issue.message}\n`);
    if (err.code === 'INTERNAL' && err.cause instanceof Error) process.stderr.write(`${err.cause.stack}\n`);
  }
  return err.exitCode;
}

/** An integer option within bounds (`--limit -5` is refused, not passed on). */
export function parseIntOption(
  name: string,
  value: string,
  bounds: { min?: number; max?: number } = {},
): number {
  const n = Number(value);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    const range =
      bounds.min !== undefined && bounds.max !== undefined
        ? ` from ${min} to ${max}`
        : bounds.min !== undefined
          ? ` of at least ${min}`
          : '';
    throw new MagnaError('INVALID_ARGUMENT', `--${name} must be an integer${range}, got "${value}".`, {
      details: { option: name, value },
    });
  }
  return n;
}
