import type { Command } from 'commander';
import { register as agents } from './agents.js';
import { register as run } from './run.js';
import { register as start } from './start.js';
import { register as status } from './status.js';
import { register as tasks } from './tasks.js';

/** Every command module registers itself on the program; one line per command file. */
export const COMMANDS: Array<(program: Command) => void> = [
  start,
  run,
  tasks,
  agents,
  status,];
