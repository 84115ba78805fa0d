// The process entry of the CLI: bin/magnatronic.js runs the compiled copy of this file.
// Signal handlers go in before the program is loaded (a dynamic import), so that a SIGTERM
// during start-up is handled, not fatal.
import { installSignalHandlers } from './shutdown.js';

installSignalHandlers();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv);
