import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { reportError } from './io.js';

/** Builds the `magnatronic` program; exported for tests that run commands in process. */
export function buildProgram(): Command {
  const program = new Command('magnatronic')
    .description('Cooperating agents that do real work: durable task queue, message bus, knowledge base.')
    .version('0.1.0')
    .option('--home <dir>', 'data directory (default ./.magnatronic, or MAGNA_HOME)')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (default warn for commands)')
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors read like every other error, `error CODE: message`, with exit status 2.
    .configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, 'error INVALID_ARGUMENT: ')),
    })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(error, argv.includes('--json'));
  }
}
