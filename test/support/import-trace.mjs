// `node --import ./import-trace.mjs ...`: registers import-trace-hooks.mjs (see there).
import { register } from 'node:module';

register('./import-trace-hooks.mjs', import.meta.url);
