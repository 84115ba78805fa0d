// A node for the contention test: `node --import tsx test/support/contention-node.ts <home>`.
// Runs the contention agent until SIGTERM (drains, exits 0); logs warnings and errors as JSON.
import { openSystem } from '../../src/runtime/system.js';
import { contentionAgent, contentionQueueOptions } from './contention-agent.js';

const [home] = process.argv.slice(2);
if (!home) {
  process.stderr.write('usage: contention-node.ts <home>\n');
  process.exit(2);
}
const system = await openSystem({
  overrides: { home, log: { level: 'warn', format: 'json' }, queue: contentionQueueOptions },
  agents: [contentionAgent()],
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
