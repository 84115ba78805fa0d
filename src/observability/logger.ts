import pino, { type Logger } from 'pino';
import type { MagnaConfig } from '../core/config.js';

export type { Logger } from 'pino';

/**
 * Structured logging: readable lines in a terminal (pino-pretty), one JSON object per line
 * otherwise, so log shippers and humans both get what they need. Logs go to stderr, keeping
 * stdout for command output (`--json`).
 */
export function createLogger(
  config: Pick<MagnaConfig, 'log'>,
  bindings: Record<string, unknown> = {},
): Logger {
  const pretty =
    config.log.format === 'pretty' || (config.log.format === 'auto' && process.stderr.isTTY === true);
  if (pretty) {
    return pino(
      { level: config.log.level, base: bindings },
      pino.transport({
        target: 'pino-pretty',
        options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      }),
    );
  }
  return pino({ level: config.log.level, base: bindings }, pino.destination({ dest: 2, sync: false }));
}

/** A logger that drops everything; for tests and library use without a host. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
