import type { Command } from 'commander';
import { register as agents } from './agents.js';
import { register as artifacts } from './artifacts.js';
import { register as audit } from './audit.js';
import { register as backup } from './backup.js';
import { register as demo } from './demo.js';
import { register as doctor } from './doctor.js';
import { register as effects } from './effects.js';
import { register as kb } from './kb.js';
import { register as keys } from './keys.js';
import { register as migrate } from './migrate.js';
import { register as missions } from './missions.js';
import { register as nodes } from './nodes.js';
import { register as restore } from './restore.js';
import { register as run } from './run.js';
import { register as server } from './server.js';
import { register as start } from './start.js';
import { register as status } from './status.js';
import { register as tasks } from './tasks.js';
import { register as worker } from './worker.js';

/** Every command module registers itself on the program; one line per command file. */
export const COMMANDS: Array<(program: Command) => void> = [
  demo,
  start,
  run,
  tasks,
  agents,
  status,
  server,
  keys,
  kb,
  audit,
  backup,
  restore,
  doctor,
  migrate,
  nodes,
  worker,
  effects,
  artifacts,
  missions,
];
