// Child process of bench/wake-up.ts: `tsx bench/wake-up-submitter.ts <home> <count> <gapMs>`.
// Opens the same home (no node) and submits one stamp task every gapMs, then exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { openSystem } from '../src/runtime/system.js';
import { nowMs, stampAgent } from './wake-up-agent.js';

const [home, count, gap] = process.argv.slice(2);
const system = await openSystem({
  overrides: { home, log: { level: 'silent' } },
  builtins: false,
  agents: [stampAgent],
});
await sleep(500); // the channel connects to the node's socket as it opens; let it settle
for (let i = 0; i < Number(count); i++) {
  await system.queue.enqueue({ skill: 'bench.stamp', input: { at: nowMs() } });
  await sleep(Number(gap));
}
await system.close();
