// A node process for the crash test: `node --import tsx test/support/crash-node.ts <home> <effects-file>`.
// Runs the crash agent on the given home until SIGTERM (drains, exits 0) or SIGKILL.
import { openSystem } from '../../src/runtime/system.js';
import { crashAgent, crashQueueOptions } from './crash-agent.js';

const [home, effectsFile] = process.argv.slice(2);
if (!home || !effectsFile) {
  process.stderr.write('usage: crash-node.ts <home> <effects-file>\n');
  process.exit(2);
}
const system = await openSystem({
  overrides: { home, log: { level: 'silent' }, queue: crashQueueOptions, node: { shutdownGraceMs: 2000 } },
  agents: [crashAgent(effectsFile)],
  builtins: false,
});
const node = system.createNode();
await node.start();
process.stdout.write(`ready ${process.pid}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await node.stop();
    await system.close();
    process.exit(0);
  })();
});
