import type { Command } from 'commander';

/** Every command module registers itself on the program; one line per command file. */
export const COMMANDS: Array<(program: Command) => void> = [];
