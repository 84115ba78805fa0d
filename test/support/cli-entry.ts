// Runs the CLI from source, for tests: `node --import tsx test/support/cli-entry.ts <args>`.
import '../../src/cli/entry.js';
