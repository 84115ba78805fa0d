// `node --import` target: installs source-hooks.mjs in the CLI processes tests start.
import { register } from 'node:module';

register('./source-hooks.mjs', import.meta.url);
