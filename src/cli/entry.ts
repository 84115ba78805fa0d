// The process entry of the CLI: bin/magnatronic.js runs the compiled copy of this file.
import { main } from './main.js';

process.exitCode = await main(process.argv);
