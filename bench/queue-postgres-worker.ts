import { openPgSystem } from './queue-postgres-setup.js';

/**
 * One worker process of the multi-worker throughput run: a node on PostgreSQL with the no-op
 * agent. Prints "ready" once its node runs, and stops cleanly on SIGTERM.
 */
const [url, concurrency] = process.argv.slice(2);
const setup = await openPgSystem(url!, Number(concurrency ?? 64));
const node = setup.system.createNode();
await node.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void node
    .stop()
    .then(() => setup.close())
    .then(() => process.exit(0));
});
